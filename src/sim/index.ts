/**
 * The discrete-event engine: clock in integer cycles, (time, priority, seq) event queue,
 * simulated threads as generators (thread.ts), seeded random streams and a quantile. Knows
 * nothing of operating systems. Semantics and decisions: src/sim/README.md.
 */
export {
  Simulation,
  type Cycles,
  type EngineStats,
  type EventId,
  type RunOptions,
  type SimulationOptions,
} from './simulation.js'
export {HeapQueue, type EventQueue} from './queue.js'
export type {EventHost} from './host.js'
export {
  after,
  cancellableAfter,
  hold,
  SimThread,
  spawn,
  TIMED_OUT,
  Wakeup,
  type SimCommand,
  type ThreadBody,
  type TimedOut,
} from './thread.js'
export {createRng, Rng} from './rng.js'
export {meanCi95, quantile, studentT975, type MeanInterval} from './stats.js'
