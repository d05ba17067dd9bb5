/**
 * The kernel's view of the engine: src/sim's thread runtime (src/sim/thread.ts), re-exported so
 * kernel, dispatch paths and workloads import it from one place. A kernel thread is a generator
 * yielding SimCommands; the engine only has to be an EventHost (`now` + `at`).
 */
import type {EventHost} from '../sim/host.js'

export type Simulation = EventHost
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
} from '../sim/thread.js'
