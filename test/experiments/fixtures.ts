/** Pure in-process experiments (no engine) for runner tests that need no worker threads. */
import type {LoadedProfile} from '../../src/config/index.js'
import type {EngineStats} from '../../src/sim/index.js'
import type {ExperimentDef} from '../../src/experiments/types.js'

export const fakeEngine = (events: number): EngineStats => ({
  events,
  simulatedCycles: events * 10,
  hostSeconds: events / 1e6,
  eventsPerSecond: 1e6,
  simulatedSecondsPerHostSecond: 2,
})

export const fakeProfile = {
  name: 'test-profile',
  path: '/dev/null',
  hash: 'abc',
  profile: {},
  params: {},
  estimates: ['cpu.x'],
  sets: [],
} as unknown as LoadedProfile

/** latency = threads * factor(system); throughput = its inverse; factor native 2, virtuos 1. */
export const arith: ExperimentDef = {
  id: 'arith',
  title: 'Arithmetic',
  reproduces: 'nothing',
  axes: [
    {name: 'threads', quick: [1, 3], full: [1, 2, 3]},
    {name: 'kind', quick: ['a'], full: ['a', 'b']},
  ],
  systems: ['native', 'virtuos'],
  metrics: [
    {name: 'latency', unit: 'cycles', better: 'lower'},
    {name: 'throughput', unit: 'ops/s', better: 'higher'},
  ],
  run(point, system, ctx) {
    const latency = Number(point.threads) * (system === 'native' ? 2 : 1)
    return {
      metrics: {latency, throughput: 1 / latency},
      engine: fakeEngine(ctx.seed % 100),
      notes: system === 'virtuos' ? ['fast'] : [],
    }
  },
}
