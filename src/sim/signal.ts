/**
 * One-shot events: a Signal fires once with a value; waiting on a fired signal returns at once.
 * anyOf waits for the first of several signals (select/poll across domains).
 */
import {currentProcess, Process, suspend, type Blocker, type Command, type Timeout} from './process.js'
import type {Cycles, Simulation} from './simulation.js'

/** Something a Signal wakes when it fires: a waiting process or an anyOf group. */
interface Listener {
  signalled(signal: Signal<any>): void
}

export class Signal<T = void> implements Blocker {
  fired = false
  value: T | undefined = undefined
  private listeners: (Process<any> | Listener)[] = []

  constructor(readonly sim: Simulation) {}

  /**
   * Fire once; waiters resume in wait order. Returns false (and changes nothing) if it had already
   * fired, so racing causes (a completion and a crash) need no extra bookkeeping.
   */
  fire(value: T): boolean {
    if (this.fired) return false
    this.fired = true
    this.value = value
    const ls = this.listeners
    this.listeners = []
    for (const l of ls) {
      if (isProcess(l)) l.wake(value)
      else l.signalled(this)
    }
    return true
  }

  /** The value once fired (at once if it already has); with a timeout, TIMEOUT if it ran out first. */
  wait(): Generator<Command, T, unknown>
  wait(timeout: Cycles): Generator<Command, T | Timeout, unknown>
  *wait(timeout?: Cycles): Generator<Command, T | Timeout, unknown> {
    if (this.fired) return this.value as T
    this.listeners.push(currentProcess(this.sim, 'Signal.wait'))
    return yield* suspend<T | Timeout>(this.sim, this, timeout)
  }

  /** @internal Blocker: forget an interrupted or timed-out waiter. */
  cancelWait(proc: Process<any>): void {
    this.remove(proc)
  }

  /** @internal */
  addListener(l: Listener): void {
    this.listeners.push(l)
  }

  /** @internal */
  remove(l: Process<any> | Listener): void {
    const i = this.listeners.indexOf(l)
    if (i >= 0) this.listeners.splice(i, 1)
  }
}

function isProcess(l: Process<any> | Listener): l is Process<any> {
  return l instanceof Process
}

class AnyOfWait implements Listener, Blocker {
  constructor(
    private readonly proc: Process<any>,
    private readonly signals: readonly Signal<any>[],
  ) {}

  signalled(signal: Signal<any>): void {
    this.detach()
    this.proc.wake(this.signals.indexOf(signal))
  }

  cancelWait(): void {
    this.detach()
  }

  private detach(): void {
    for (const s of this.signals) s.remove(this)
  }
}

/**
 * Wait until any of `signals` fires; returns the index of the first to fire (the lowest index
 * among those already fired, at once). With a timeout, TIMEOUT if none fired in time.
 */
export function anyOf(sim: Simulation, signals: readonly Signal<any>[]): Generator<Command, number, unknown>
export function anyOf(sim: Simulation, signals: readonly Signal<any>[], timeout: Cycles): Generator<Command, number | Timeout, unknown>
export function* anyOf(sim: Simulation, signals: readonly Signal<any>[], timeout?: Cycles): Generator<Command, number | Timeout, unknown> {
  for (let i = 0; i < signals.length; i++) if (signals[i].fired) return i
  if (signals.length === 0 && timeout === undefined) throw new Error('anyOf: no signals and no timeout would wait forever')
  const group = new AnyOfWait(currentProcess(sim, 'anyOf'), signals)
  for (const s of signals) s.addListener(group)
  return yield* suspend<number | Timeout>(sim, group, timeout)
}

/** A signal that fires (with no value) `delay` cycles from now; handy as one of anyOf's inputs. */
export function timeoutSignal(sim: Simulation, delay: Cycles): Signal<void> {
  const s = new Signal<void>(sim)
  sim.after(delay, () => s.fire())
  return s
}

