/**
 * The engine's process API: simulated threads as generators. A thread yields a number n (let n
 * cycles pass: one event at now + n; n <= 0 continues at once, without an event) or a Wakeup
 * (park until it is fired or times out). Every resumption is an event, so the waker always runs to
 * its next yield first and simultaneous wake-ups resume in the order they were made.
 *
 * A thread needs only an EventHost (`now` + `at`): src/sim's Simulation, or any test host. Each
 * thread allocates its step callback once, so a hold or a wake-up costs one queue entry and no
 * closure. Semantics: src/sim/README.md.
 */
import type {EventHost} from './host.js'

/** What a simulated thread yields: cycles to wait, or a wake-up to park on. */
export type SimCommand = number | Wakeup<unknown>
/** A simulated thread's body (or a helper it runs with `yield*`). */
export type ThreadBody<T = unknown> = Generator<SimCommand, T, any>

export const TIMED_OUT: unique symbol = Symbol('timed out')
export type TimedOut = typeof TIMED_OUT

/** Delay in whole cycles, never negative: the one rounding rule of holds and timers. */
function delayOf(cycles: number): number {
  return Math.max(0, Math.round(cycles))
}

/**
 * Let `cycles` of simulated time pass for the calling thread. A thread may as well `yield n`
 * itself (n > 0 rounded, or <= 0 for nothing), which saves the helper generator on hot paths.
 */
export function* hold(cycles: number): ThreadBody<void> {
  if (cycles > 0) yield Math.round(cycles)
}

/** Run `fn` after `delay` cycles (device completions, packet arrivals, timers). */
export function after(host: EventHost, delay: number, fn: () => void): void {
  host.at(host.now + delayOf(delay), fn)
}

/**
 * `after`, cancellable: returns the cancel function. A host with `cancel(id)` (src/sim's
 * Simulation) forgets the event, so it no longer keeps an open-ended run going; on a bare
 * EventHost the event still comes but does nothing.
 */
export function cancellableAfter(host: EventHost, delay: number, fn: () => void): () => void {
  let live = true
  const id: unknown = host.at(host.now + delayOf(delay), () => {
    if (live) fn()
  })
  return () => {
    live = false
    const cancel = (host as {cancel?: (id: unknown) => void}).cancel
    if (typeof cancel === 'function' && id !== undefined) cancel.call(host, id)
  }
}

/** A running simulated thread. Made by `spawn`; the event queue holds its `run` callback. */
export class SimThread {
  /** What the next step passes into the generator (a Wakeup's value, else undefined). */
  private input: unknown = undefined
  /** The step callback, allocated once per thread. */
  private readonly run = (): void => this.step()

  constructor(
    readonly host: EventHost,
    private readonly body: ThreadBody,
    readonly name: string,
    /** Asked before every step: once true the thread is dropped for good (a VM crash). */
    private readonly dead: (() => boolean) | undefined,
  ) {}

  /** Resume now (in a fresh event) with `value` as the result of the pending yield. */
  resume(value: unknown): void {
    this.input = value
    this.host.at(this.host.now, this.run, 0, this.name)
  }

  private step(): void {
    const {body, dead} = this
    let input = this.input
    this.input = undefined
    for (;;) {
      if (dead !== undefined && dead()) return
      const r = body.next(input)
      if (r.done) return
      const cmd = r.value
      if (typeof cmd !== 'number') {
        cmd.park(this)
        return
      }
      if (cmd > 0) {
        this.host.at(this.host.now + delayOf(cmd), this.run, 0, this.name)
        return
      }
      input = undefined
    }
  }
}

/**
 * Start an independent simulated thread (a generator) now, in a fresh event. Exceptions escape to
 * the engine loop. `name` labels the thread's events in a Simulation's trace; `dead`, when given, is asked before
 * every step: once true the thread is dropped for good (a VM crash).
 */
export function spawn(host: EventHost, body: ThreadBody, name: string, dead?: () => boolean): SimThread {
  const thread = new SimThread(host, body, name, dead)
  thread.resume(undefined)
  return thread
}

/**
 * A one-shot wake-up: one waiter parks on it (with an optional timeout) and is resumed with the
 * value given to `fire`, or TIMED_OUT. Firing before anyone waits is remembered.
 */
export class Wakeup<T> {
  fired = false
  value: T | undefined
  private waiter: SimThread | null = null
  private settled = false
  constructor(readonly host: EventHost) {}

  *wait(timeout?: number): Generator<SimCommand, T | TimedOut, any> {
    if (this.fired) return this.value as T
    // the timer is not cancelled: once settled, a late timeout does nothing
    if (timeout !== undefined && timeout >= 0) after(this.host, timeout, () => this.settle(TIMED_OUT))
    return (yield this as Wakeup<unknown>) as T | TimedOut
  }

  fire(value: T): void {
    if (this.fired) return
    this.fired = true
    this.value = value
    this.settle(value)
  }

  /** Called by the thread when it parks on this wake-up. */
  park(thread: SimThread): void {
    this.waiter = thread
  }

  private settle(v: T | TimedOut): void {
    // not parked yet: wait() will see `fired`; already settled: a late timeout or fire is ignored
    if (this.settled || !this.waiter) return
    this.settled = true
    const waiter = this.waiter
    this.waiter = null
    // resume in a fresh event so the firer's own code finishes first (no re-entrancy)
    waiter.resume(v)
  }
}
