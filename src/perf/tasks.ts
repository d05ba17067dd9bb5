/**
 * The engine's own benchmarks (`virtuos perf`). Each task is a model that keeps running across
 * iterations; one iteration processes a batch of events and reports how many, so the harness can
 * report events per host second. hold-model times the bare event queue (device callbacks),
 * hold-threads and ping-pong the thread runtime the kernel runs on, the points the whole model.
 * Add a task (e.g. one experiment point) by appending to PERF_TASKS.
 */
import {KWaitQueue} from '../kernel/waitqueue.js'
import {Simulation, spawn, Wakeup, type SimCommand} from '../sim/index.js'
import {syscallOverheadPerfTask} from '../experiments/syscall-overhead.js'
import {oltpPerfTask} from '../experiments/oltp.js'

export interface PerfTask {
  name: string
  description: string
  /** Builds a fresh model; returns one iteration, which returns the events it processed. */
  prepare(): () => number
}

const SEED = 1
/** Events per iteration: long enough for the timer's resolution, short enough for many samples. */
const BATCH = 50_000

/** The classic hold model: a constant population of pending events, each rescheduling itself. */
export const holdModel: PerfTask = {
  name: 'hold-model',
  description: '1,000 pending events; each schedules one at now + U[1,1000]',
  prepare() {
    const sim = new Simulation({seed: SEED})
    const rng = sim.rng('hold')
    // One shared callback: no closure per event.
    const tick = (): void => {
      sim.at(sim.now + rng.int(1, 1000), tick)
    }
    for (let i = 0; i < 1000; i++) sim.at(rng.int(1, 1000), tick)
    return () => countEvents(sim, BATCH)
  },
}

/** The hold model with simulated threads: 1,000 threads each holding U[1,1000] cycles in a loop. */
export const holdThreads: PerfTask = {
  name: 'hold-threads',
  description: '1,000 simulated threads, each `yield`ing a hold of U[1,1000] cycles in a loop',
  prepare() {
    const sim = new Simulation({seed: SEED})
    const rng = sim.rng('hold')
    function* body() {
      for (;;) yield rng.int(1, 1000)
    }
    for (let i = 0; i < 1000; i++) spawn(sim, body(), `holder-${i}`)
    return () => countEvents(sim, BATCH)
  },
}

/**
 * Two threads handing a counter back and forth through kernel wait queues, sleeping on a Wakeup
 * per round as KWaitQueue.sleep does (the wake-up cost, without a scheduler).
 */
export const pingPong: PerfTask = {
  name: 'ping-pong',
  description: "two threads ping-ponging a counter through the kernel's wait queues (a Wakeup per sleep)",
  prepare() {
    const sim = new Simulation({seed: SEED})
    const queues = [new KWaitQueue(), new KWaitQueue()]
    const box = [0, 0]
    function* sleepOn(q: KWaitQueue): Generator<SimCommand, void, any> {
      const wake = new Wakeup<true>(sim)
      const entry = q.add(() => wake.fire(true), true)
      yield* wake.wait()
      q.remove(entry)
    }
    function* player(me: number, serve: boolean): Generator<SimCommand, void, any> {
      const other = 1 - me
      if (serve) {
        yield 1 // let the other player start waiting
        queues[other].wakeOne()
      }
      for (;;) {
        yield* sleepOn(queues[me])
        box[other] = box[me] + 1
        queues[other].wakeOne()
      }
    }
    spawn(sim, player(0, false), 'receiver')
    spawn(sim, player(1, true), 'server')
    return () => countEvents(sim, BATCH)
  },
}

function countEvents(sim: Simulation, batch: number): number {
  const before = sim.stats().events
  sim.run({maxEvents: batch})
  return sim.stats().events - before
}

export const PERF_TASKS: readonly PerfTask[] = [holdModel, holdThreads, pingPong, syscallOverheadPerfTask, oltpPerfTask]
