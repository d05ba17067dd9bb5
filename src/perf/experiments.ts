/**
 * `virtuos perf --experiments`: the speed of each experiment's points. Runs the first quick point
 * of every registered experiment once per system (as the sweep would, same seed) and sums the
 * engine's stats, so events/s and simulated seconds per host second show where time goes.
 */
import {loadProfile} from '../config/index.js'
import {expandPoints, pointSeed} from '../experiments/points.js'
import {listExperiments, selectSystems} from '../experiments/registry.js'

export interface ExperimentSpeed {
  id: string
  systems: number
  events: number
  hostSeconds: number
  eventsPerSecond: number
  simulatedSecondsPerHostSecond: number
}

/** One quick point per experiment (`only`: these ids), every system; seed 1 as `bench run`. */
export function experimentSpeeds(only?: readonly string[]): ExperimentSpeed[] {
  const profile = loadProfile()
  const out: ExperimentSpeed[] = []
  for (const def of listExperiments()) {
    if (only && only.length > 0 && !only.includes(def.id)) continue
    const point = expandPoints(def.axes, true)[0]
    const ctx = {seed: pointSeed(1, def.id, point), quick: true, profile}
    const systems = selectSystems(def)
    let events = 0
    let host = 0
    let simulated = 0
    for (const system of systems) {
      const e = def.run(point, system, ctx).engine
      events += e.events
      host += e.hostSeconds
      simulated += e.simulatedCycles / profile.params.clockHz
    }
    out.push({
      id: def.id,
      systems: systems.length,
      events,
      hostSeconds: host,
      eventsPerSecond: host > 0 ? Math.round(events / host) : 0,
      simulatedSecondsPerHostSecond: host > 0 ? simulated / host : 0,
    })
  }
  return out
}
