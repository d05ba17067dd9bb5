/**
 * The engine's own benchmarks (`virtuos perf`). Each task is a model that keeps running across
 * iterations; one iteration processes a batch of events and reports how many, so the harness can
 * report events per host second. Add a task (e.g. one experiment point) by appending to PERF_TASKS.
 */
import {Simulation, WaitQueue} from '../sim/index.js'
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

/** The hold model with processes: 1,000 generator processes each holding U[1,1000] in a loop. */
export const holdProcesses: PerfTask = {
  name: 'hold-processes',
  description: '1,000 processes, each `yield`ing a hold of U[1,1000] cycles in a loop',
  prepare() {
    const sim = new Simulation({seed: SEED})
    const rng = sim.rng('hold')
    function* body() {
      for (;;) yield rng.int(1, 1000)
    }
    for (let i = 0; i < 1000; i++) sim.spawn(body())
    return () => countEvents(sim, BATCH)
  },
}

/** Two processes handing a token back and forth through wait queues (wake-up cost). */
export const pingPong: PerfTask = {
  name: 'ping-pong',
  description: 'two processes ping-ponging a counter through WaitQueues',
  prepare() {
    const sim = new Simulation({seed: SEED})
    const ping = new WaitQueue<number>(sim)
    const pong = new WaitQueue<number>(sim)
    function* player(inbox: WaitQueue<number>, outbox: WaitQueue<number>, serve: boolean) {
      let n = 0
      if (serve) {
        yield 1 // let the other player start waiting
        outbox.notifyOne(n)
      }
      for (;;) {
        n = yield* inbox.wait()
        outbox.notifyOne(n + 1)
      }
    }
    sim.spawn(player(ping, pong, false), 'receiver')
    sim.spawn(player(pong, ping, true), 'server')
    return () => countEvents(sim, BATCH)
  },
}

function countEvents(sim: Simulation, batch: number): number {
  const before = sim.stats().events
  sim.run({maxEvents: batch})
  return sim.stats().events - before
}

export const PERF_TASKS: readonly PerfTask[] = [holdModel, holdProcesses, pingPong, syscallOverheadPerfTask, oltpPerfTask]
