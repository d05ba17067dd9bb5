/**
 * The kernel's view of the discrete-event engine: the one place the kernel meets it. The kernel
 * needs only the clock and a timed callback from the engine (the same `EventHost` contract the
 * machine's devices use), and drives its simulated threads itself: a thread is a generator that
 * yields a number (hold the CPU/let that many cycles pass) or a Wakeup (park until fired).
 * Keeping the thread protocol here means kernel, dispatch paths and workloads never depend on
 * the engine's own process API, and any engine with `now` + `at` can run them.
 */
import type {EventHost} from '../machine/events.js'

export type Simulation = EventHost

/** What a simulated kernel thread yields: cycles to wait, or a wake-up to park on. */
export type SimCommand = number | Wakeup<unknown>

export const TIMED_OUT: unique symbol = Symbol('timed out')
export type TimedOut = typeof TIMED_OUT

/** Let `cycles` of simulated time pass for the calling thread. */
export function* hold(_sim: Simulation, cycles: number): Generator<SimCommand, void, any> {
  if (cycles > 0) yield Math.round(cycles)
}

/** Run `fn` after `delay` cycles (device completions, packet arrivals, timers). */
export function after(sim: Simulation, delay: number, fn: () => void): void {
  sim.at(sim.now + Math.max(0, Math.round(delay)), fn)
}

/**
 * `after`, cancellable: returns the cancel function. An engine with `cancel(id)` (src/sim's
 * Simulation) forgets the event, so it no longer keeps an open-ended run going; on a bare
 * EventHost the event still comes but does nothing.
 */
export function cancellableAfter(sim: Simulation, delay: number, fn: () => void): () => void {
  let live = true
  const id: unknown = sim.at(sim.now + Math.max(0, Math.round(delay)), () => {
    if (live) fn()
  })
  return () => {
    live = false
    const cancel = (sim as {cancel?: (id: unknown) => void}).cancel
    if (typeof cancel === 'function' && id !== undefined) cancel.call(sim, id)
  }
}

/**
 * A one-shot wake-up: one waiter parks on it (with an optional timeout) and is resumed with the
 * value given to `fire`, or TIMED_OUT. Firing before anyone waits is remembered.
 */
export class Wakeup<T> {
  fired = false
  value: T | undefined
  private resume: ((v: T | TimedOut) => void) | null = null
  private settled = false
  constructor(readonly sim: Simulation) {}

  *wait(timeout?: number): Generator<SimCommand, T | TimedOut, any> {
    if (this.fired) return this.value as T
    if (timeout !== undefined && timeout >= 0) {
      after(this.sim, timeout, () => this.settle(TIMED_OUT))
    }
    return (yield this as Wakeup<unknown>) as T | TimedOut
  }

  fire(value: T): void {
    if (this.fired) return
    this.fired = true
    this.value = value
    this.settle(value)
  }

  /** Called by the thread driver when the waiter parks. */
  park(resume: (v: T | TimedOut) => void): void {
    this.resume = resume
  }

  private settle(v: T | TimedOut): void {
    // not parked yet: wait() will see `fired`; already settled: a late timeout or fire is ignored
    if (this.settled || !this.resume) return
    this.settled = true
    const resume = this.resume!
    this.resume = null
    // resume in a fresh event so the firer's own code finishes first (no re-entrancy)
    after(this.sim, 0, () => resume(v))
  }
}

/**
 * Start an independent simulated thread (a generator) now. Exceptions escape to the engine loop.
 * `dead`, when given, is asked before every step: once true the thread is dropped for good (a VM crash).
 */
export function spawn(sim: Simulation, body: Generator<SimCommand, unknown, any>, _name: string, dead?: () => boolean): void {
  const step = (input: unknown): void => {
    for (;;) {
      if (dead?.()) return
      const r = body.next(input)
      if (r.done) return
      const cmd = r.value
      if (typeof cmd === 'number') {
        if (cmd <= 0) {
          input = undefined
          continue
        }
        after(sim, cmd, () => step(undefined))
        return
      }
      cmd.park((v) => step(v))
      return
    }
  }
  after(sim, 0, () => step(undefined))
}
