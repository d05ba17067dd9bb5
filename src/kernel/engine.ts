/**
 * The kernel's view of the discrete-event engine (src/sim): the one place the kernel names engine
 * primitives, so the rest of src/kernel reads as kernel code. The kernel needs only three things:
 * the clock, holding a CPU for some cycles, and a one-shot wake-up with an optional timeout.
 * (Provisional until src/sim lands; the names exported here stay.)
 */
export type SimCommand = unknown
export type Simulation = {now: number}

export const TIMED_OUT: unique symbol = Symbol('timed out')
export type TimedOut = typeof TIMED_OUT

export function now(sim: Simulation): number {
  return sim.now
}

/** Let `cycles` of simulated time pass for the calling process. */
export function* hold(_sim: Simulation, cycles: number): Generator<SimCommand, void, any> {
  if (cycles > 0) yield cycles
}

/** A one-shot wake-up: one waiter, fired at most once with a value. */
export class Wakeup<T> {
  fired = false
  value: T | undefined
  constructor(readonly sim: Simulation) {}
  *wait(timeout?: number): Generator<SimCommand, T | TimedOut, any> {
    void timeout
    throw new Error('engine not wired yet')
  }
  fire(value: T): void {
    this.fired = true
    this.value = value
  }
}

/** Run `fn` after `delay` cycles (device completions, packet arrivals, timers). */
export function after(_sim: Simulation, _delay: number, _fn: () => void): void {
  throw new Error('engine not wired yet')
}

/** Start an independent simulated process (a generator) now. */
export function spawn(_sim: Simulation, _body: Generator<SimCommand, unknown, any>, _name: string): void {
  throw new Error('engine not wired yet')
}
