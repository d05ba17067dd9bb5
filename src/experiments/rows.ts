/** From per-point results to result rows: ordering and the comparison with native. */
import {InvariantError} from '../errors.js'
import type {EngineStats} from '../sim/index.js'
import type {ExperimentDef, Point, PointResult, ResultRow, SystemId} from './types.js'

/**
 * Rows in a fixed order: point (sweep order), then system (as selected), then metric (as declared).
 * `results[p][s]` is the result of points[p] on systems[s].
 */
export function buildRows(
  def: ExperimentDef,
  systems: readonly SystemId[],
  points: readonly Point[],
  results: readonly (readonly PointResult[])[],
  seed: number,
  profile: string,
): ResultRow[] {
  const nativeIndex = systems.indexOf('native')
  const rows: ResultRow[] = []
  points.forEach((params, p) => {
    systems.forEach((system, s) => {
      for (const m of def.metrics) {
        const value = results[p][s].metrics[m.name]
        const nativeValue = nativeIndex < 0 ? null : results[p][nativeIndex].metrics[m.name]
        rows.push({
          experiment: def.id,
          system,
          params,
          metric: m.name,
          value,
          unit: m.unit,
          better: m.better,
          nativeValue,
          // A ratio against 0 is no ratio: leave it empty rather than print Infinity.
          ratioVsNative: nativeValue === null || nativeValue === 0 ? null : value / nativeValue,
          seed,
          profile,
        })
      }
    })
  })
  return rows
}

/** A point's result must carry exactly the declared metrics, each a finite number: else the experiment has a bug. */
export function checkPointResult(def: ExperimentDef, where: string, result: PointResult): void {
  const declared = new Set(def.metrics.map((m) => m.name))
  for (const name of Object.keys(result.metrics)) {
    if (!declared.has(name)) throw new InvariantError(`${def.id} ${where}: metric '${name}' is not declared`)
  }
  for (const name of declared) {
    const v = result.metrics[name]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvariantError(`${def.id} ${where}: metric '${name}' is ${String(v)}, expected a finite number`)
    }
  }
  if (!result.engine) throw new InvariantError(`${def.id} ${where}: no engine stats`)
}

/** Engine stats summed over the points of a run; rates recomputed from the sums. */
export interface EngineTotals extends EngineStats {
  points: number
}

export function sumEngineStats(stats: readonly EngineStats[]): EngineTotals {
  let events = 0
  let simulatedCycles = 0
  let hostSeconds = 0
  let simulatedSeconds = 0
  for (const s of stats) {
    events += s.events
    simulatedCycles += s.simulatedCycles
    hostSeconds += s.hostSeconds
    // Points may run at different clocks; each carries its own rate, so recover its simulated seconds.
    simulatedSeconds += (s.simulatedSecondsPerHostSecond ?? 0) * s.hostSeconds
  }
  return {
    points: stats.length,
    events,
    simulatedCycles,
    hostSeconds,
    eventsPerSecond: hostSeconds > 0 ? events / hostSeconds : 0,
    simulatedSecondsPerHostSecond: hostSeconds > 0 ? simulatedSeconds / hostSeconds : 0,
  }
}
