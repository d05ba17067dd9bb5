/**
 * Simulated processes: generator functions the engine resumes. A process yields a Command:
 *  - a number n: hold (let n cycles pass), the fast path that `hold()` uses; `yield 100` is the
 *    same as `yield* hold(sim, 100)` without allocating a generator;
 *  - SUSPEND: park until a primitive (Signal, WaitQueue, Mutex, ...) that registered it wakes it.
 * Wake-ups are events at the current time, never direct calls, so the waker's code always runs
 * to its next yield first and the order of wake-ups is the (time, priority, seq) order.
 */
import type {Cycles, Simulation} from './simulation.js'

/** Yielded by primitives after they registered the current process; model code never yields it itself. */
export const SUSPEND: unique symbol = Symbol('suspend')
/** Returned by waits with a timeout when the time ran out first. */
export const TIMEOUT: unique symbol = Symbol('timeout')
export type Timeout = typeof TIMEOUT

export type Command = number | typeof SUSPEND
export type Proc<T = void> = Generator<Command, T, unknown>

/** Thrown into a process by `Process.interrupt(cause)`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown = undefined) {
    super(`interrupted${cause === undefined ? '' : `: ${String(cause)}`}`)
    this.name = 'Interrupt'
  }
}

/**
 * Whatever a process is parked on. `cancelWait` must forget the process (it was interrupted or
 * timed out); it is never called after the blocker woke the process itself.
 */
export interface Blocker {
  cancelWait(proc: Process<any>): void
}

type State = 'new' | 'running' | 'holding' | 'blocked' | 'scheduled' | 'done'

export class Process<T = unknown> implements Blocker {
  done = false
  /** The return value, once done without an error. */
  result: T | undefined = undefined
  /** The exception that ended the process, if any (an Interrupt when interrupted and not caught). */
  error: unknown = undefined
  failed = false

  private state: State = 'new'
  private resumeValue: unknown = undefined
  private resumeError: unknown = undefined
  private resumeThrows = false
  private pendingInterrupt: Interrupt | null = null
  private holdEvent = -1
  private timer = -1
  private blocker: Blocker | null = null
  private joiners: Process<any>[] = []

  constructor(
    readonly sim: Simulation,
    private readonly body: Generator<Command, T, unknown>,
    readonly name: string,
  ) {}

  /** Wait for the process to end; returns its result or rethrows its error (see README). */
  *join(): Generator<Command, T, unknown> {
    if (!this.done) {
      this.joiners.push(currentProcess(this.sim, 'join'))
      yield* suspend(this.sim, this)
    }
    if (this.failed) throw this.error
    return this.result as T
  }

  /**
   * Throw Interrupt(cause) into the process at its current wait (hold, signal, queue, lock...),
   * cancelling that wait. A process that is not parked (running, just started, or already woken
   * with a value) gets it at its next wait instead, so no hand-off it was given is lost. At most
   * one interrupt is pending; a finished process ignores it.
   */
  interrupt(cause?: unknown): void {
    if (this.done || this.pendingInterrupt) return
    const intr = new Interrupt(cause)
    if (this.state === 'holding') {
      this.sim.cancel(this.holdEvent)
      this.holdEvent = -1
      this.wakeThrow(intr)
    } else if (this.state === 'blocked') {
      // Schedule the interrupted process before anything its departure unblocks.
      const b = this.blocker!
      this.wakeThrow(intr)
      b.cancelWait(this)
    } else {
      this.pendingInterrupt = intr
    }
  }

  // ---- for primitives (Signal, WaitQueue, ...): not for model code ----

  /** Resume a blocked process with `value` (scheduled now). */
  wake(value: unknown): void {
    if (this.state !== 'blocked') throw new Error(`process ${this.name}: woken while ${this.state}`)
    this.clearWait()
    this.resumeValue = value
    this.state = 'scheduled'
    this.sim.schedule(this)
  }

  /** Resume a blocked process by throwing `error` into it (scheduled now). */
  wakeThrow(error: unknown): void {
    this.clearWait()
    this.resumeError = error
    this.resumeThrows = true
    this.state = 'scheduled'
    this.sim.schedule(this)
  }

  /** Called by suspend(): the process parks on `blocker`, optionally until a timeout. */
  park(blocker: Blocker, timeout: Cycles | undefined): void {
    this.blocker = blocker
    if (timeout !== undefined) {
      this.timer = this.sim.after(timeout, () => {
        this.timer = -1
        const b = this.blocker!
        this.wake(TIMEOUT)
        b.cancelWait(this)
      })
    }
  }

  /** As a Blocker (someone joins this process): forget the joiner. */
  cancelWait(proc: Process<any>): void {
    const i = this.joiners.indexOf(proc)
    if (i >= 0) this.joiners.splice(i, 1)
  }

  /** The engine's entry point: the process's event fired. */
  step(): void {
    const sim = this.sim
    const body = this.body
    let input = this.resumeValue
    let throws = this.resumeThrows
    let error = this.resumeError
    this.resumeValue = undefined
    this.resumeError = undefined
    this.resumeThrows = false
    this.state = 'running'
    this.holdEvent = -1
    sim.current = this
    try {
      for (;;) {
        let r: IteratorResult<Command, T>
        try {
          r = throws ? body.throw(error) : body.next(input)
        } catch (e) {
          this.finish(undefined, e, true)
          return
        }
        if (r.done) {
          this.finish(r.value, undefined, false)
          return
        }
        const cmd = r.value
        if (typeof cmd === 'number') {
          if (this.pendingInterrupt === null && cmd >= 0 && cmd <= Number.MAX_SAFE_INTEGER && Math.floor(cmd) === cmd) {
            this.state = 'holding'
            this.holdEvent = sim.scheduleAt(sim.now + cmd, this)
            return
          }
          throws = true
          error = this.pendingInterrupt ?? new RangeError(`process ${this.name}: hold of ${cmd} cycles (expected a non-negative integer)`)
          this.pendingInterrupt = null
        } else if (cmd === SUSPEND) {
          if (this.blocker === null) {
            throws = true
            error = new Error(`process ${this.name}: yielded SUSPEND without parking (yield only numbers or yield* primitives)`)
          } else if (this.pendingInterrupt === null) {
            this.state = 'blocked'
            return
          } else {
            const b = this.blocker
            this.clearWait()
            b.cancelWait(this)
            throws = true
            error = this.pendingInterrupt
            this.pendingInterrupt = null
          }
        } else {
          throws = true
          error = new TypeError(`process ${this.name}: yielded ${describe(cmd)}; yield a number of cycles or use yield* on a primitive`)
        }
        input = undefined
      }
    } finally {
      sim.current = null
    }
  }

  private clearWait(): void {
    this.blocker = null
    if (this.timer >= 0) {
      this.sim.cancel(this.timer)
      this.timer = -1
    }
  }

  private finish(result: T | undefined, error: unknown, failed: boolean): void {
    this.state = 'done'
    this.done = true
    this.result = result
    this.error = error
    this.failed = failed
    const joiners = this.joiners
    this.joiners = []
    for (const j of joiners) j.wake(undefined)
    // An unexpected error nobody waits for must not vanish: it ends run(). An Interrupt the
    // process did not catch is how a process is killed, so it ends quietly.
    if (failed && joiners.length === 0 && !(error instanceof Interrupt)) throw error
  }
}

/** The process being stepped; primitives call this to register it. */
export function currentProcess(sim: Simulation, what: string): Process<any> {
  const p = sim.current
  if (p === null) throw new Error(`${what}: called outside a simulated process (use it inside a generator passed to sim.spawn)`)
  return p
}

/**
 * Park the current process on `blocker` until it is woken (returns the wake value), interrupted
 * (throws Interrupt) or, with a timeout, until `timeout` cycles pass (returns TIMEOUT).
 * The caller registers the process with the blocker first.
 */
export function* suspend<R>(sim: Simulation, blocker: Blocker, timeout?: Cycles): Generator<Command, R, unknown> {
  currentProcess(sim, 'suspend').park(blocker, timeout)
  return (yield SUSPEND) as R
}

/** Let `cycles` pass for the calling process (same as `yield cycles`). */
export function* hold(_sim: Simulation, cycles: Cycles): Generator<Command, void, unknown> {
  yield cycles
}

function describe(v: unknown): string {
  if (v !== null && typeof v === 'object' && typeof (v as {next?: unknown}).next === 'function') return 'a generator (missing *)'
  return typeof v
}
