/**
 * The discrete-event engine: clock in integer cycles, (time, priority, seq) event queue,
 * processes as generators, resources, seeded random streams and statistics. Knows nothing of
 * operating systems. Semantics and decisions: src/sim/README.md.
 */
export {Simulation, type Cycles, type EngineStats, type EventId, type RunOptions, type SimulationOptions} from './simulation.js'
export {HeapQueue, type EventQueue} from './queue.js'
export {
  currentProcess,
  hold,
  Interrupt,
  Process,
  suspend,
  SUSPEND,
  TIMEOUT,
  type Blocker,
  type Command,
  type Proc,
  type Timeout,
} from './process.js'
export {anyOf, Signal, timeoutSignal} from './signal.js'
export {Condition, Mutex, Semaphore, WaitQueue} from './resources.js'
export {createRng, Rng} from './rng.js'
export {Counter, Histogram, TimeWeighted} from './stats.js'
