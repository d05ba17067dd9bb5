/**
 * Resources processes contend for: a FIFO mutex with direct hand-off, a counting semaphore, a
 * wait queue (wait/notify with optional timeout) and a condition variable over a mutex. All are
 * strictly FIFO so contention resolves the same way every run.
 */
import {currentProcess, suspend, SUSPEND, type Blocker, type Command, type Process, type Timeout} from './process.js'
import type {Cycles, Simulation} from './simulation.js'

/** A FIFO list with O(1) push/shift and O(n) removal (interrupts and timeouts are rare). */
class Fifo<T> {
  private items: T[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }
  push(x: T): void {
    this.items.push(x)
  }
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const x = this.items[this.head]
    this.items[this.head++] = undefined as T
    if (this.head === this.items.length) {
      this.items.length = 0
      this.head = 0
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return x
  }
  removeWhere(pred: (x: T) => boolean): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (pred(this.items[i])) {
        this.items.splice(i, 1)
        if (this.head === this.items.length) {
          this.items.length = 0
          this.head = 0
        }
        return true
      }
    }
    return false
  }
}

/** Processes waiting to be notified; a notify with nobody waiting is lost (condition-variable semantics). */
export class WaitQueue<T = void> implements Blocker {
  private waiters = new Fifo<Process<any>>()

  constructor(readonly sim: Simulation) {}

  get length(): number {
    return this.waiters.length
  }

  /** The notified value, or TIMEOUT when `timeout` cycles pass first. */
  wait(): Generator<Command, T, unknown>
  wait(timeout: Cycles): Generator<Command, T | Timeout, unknown>
  *wait(timeout?: Cycles): Generator<Command, T | Timeout, unknown> {
    const me = currentProcess(this.sim, 'WaitQueue.wait')
    this.waiters.push(me)
    me.park(this, timeout)
    return (yield SUSPEND) as T | Timeout
  }

  /** Wake the longest waiter with `value`; false if nobody waited. */
  notifyOne(value: T): boolean {
    const p = this.waiters.shift()
    if (p === undefined) return false
    p.wake(value)
    return true
  }

  /** Wake every waiter (in wait order); returns how many. */
  notifyAll(value: T): number {
    let n = 0
    for (let p = this.waiters.shift(); p !== undefined; p = this.waiters.shift()) {
      p.wake(value)
      n++
    }
    return n
  }

  /** @internal Blocker */
  cancelWait(proc: Process<any>): void {
    this.waiters.removeWhere((p) => p === proc)
  }
}

/** A mutex handed directly to the longest waiter on unlock (no barging), so waiters are served FIFO. */
export class Mutex implements Blocker {
  locked = false
  /** The process holding it (null when taken outside a process or free). */
  owner: Process<any> | null = null
  private waiters = new Fifo<Process<any>>()

  constructor(readonly sim: Simulation) {}

  get queueLength(): number {
    return this.waiters.length
  }

  *lock(): Generator<Command, void, unknown> {
    if (!this.locked) {
      this.locked = true
      this.owner = this.sim.current
      return
    }
    const me = currentProcess(this.sim, 'Mutex.lock')
    if (this.owner === me) throw new Error(`Mutex.lock: ${me.name} already holds this mutex (not recursive)`)
    this.waiters.push(me)
    yield* suspend<void>(this.sim, this)
    // unlock() made us the owner before waking us
  }

  tryLock(): boolean {
    if (this.locked) return false
    this.locked = true
    this.owner = this.sim.current
    return true
  }

  unlock(): void {
    if (!this.locked) throw new Error('Mutex.unlock: not locked')
    const next = this.waiters.shift()
    if (next === undefined) {
      this.locked = false
      this.owner = null
    } else {
      this.owner = next
      next.wake(undefined)
    }
  }

  /** @internal Blocker */
  cancelWait(proc: Process<any>): void {
    this.waiters.removeWhere((p) => p === proc)
  }
}

interface SemWaiter {
  proc: Process<any>
  n: number
}

/** A counting semaphore; requests are served strictly FIFO (a large request at the head blocks smaller ones behind it). */
export class Semaphore implements Blocker {
  private waiters = new Fifo<SemWaiter>()

  constructor(
    readonly sim: Simulation,
    public available: number,
  ) {
    checkCount('Semaphore', available, true)
  }

  get queueLength(): number {
    return this.waiters.length
  }

  *acquire(n = 1): Generator<Command, void, unknown> {
    checkCount('Semaphore.acquire', n, false)
    if (this.waiters.length === 0 && this.available >= n) {
      this.available -= n
      return
    }
    this.waiters.push({proc: currentProcess(this.sim, 'Semaphore.acquire'), n})
    yield* suspend<void>(this.sim, this)
  }

  tryAcquire(n = 1): boolean {
    checkCount('Semaphore.tryAcquire', n, false)
    if (this.waiters.length > 0 || this.available < n) return false
    this.available -= n
    return true
  }

  release(n = 1): void {
    checkCount('Semaphore.release', n, false)
    this.available += n
    this.grant()
  }

  /** @internal Blocker */
  cancelWait(proc: Process<any>): void {
    // A departing head may unblock the requests behind it.
    if (this.waiters.removeWhere((w) => w.proc === proc)) this.grant()
  }

  private grant(): void {
    for (let w = this.waiters.peek(); w !== undefined && w.n <= this.available; w = this.waiters.peek()) {
      this.waiters.shift()
      this.available -= w.n
      w.proc.wake(undefined)
    }
  }
}

/** A condition variable used with a Mutex (monitor style). */
export class Condition {
  private readonly queue: WaitQueue<void>

  constructor(readonly sim: Simulation) {
    this.queue = new WaitQueue<void>(sim)
  }

  get length(): number {
    return this.queue.length
  }

  /**
   * Release `mutex`, wait for signal()/broadcast() (or the timeout), and take `mutex` again before
   * returning, also when interrupted. Returns TIMEOUT if the time ran out.
   */
  *wait(mutex: Mutex, timeout?: Cycles): Generator<Command, void | Timeout, unknown> {
    mutex.unlock()
    try {
      return timeout === undefined ? yield* this.queue.wait() : yield* this.queue.wait(timeout)
    } finally {
      yield* mutex.lock()
    }
  }

  signal(): boolean {
    return this.queue.notifyOne(undefined)
  }

  broadcast(): number {
    return this.queue.notifyAll(undefined)
  }
}

function checkCount(what: string, n: number, zeroOk: boolean): void {
  if (!Number.isSafeInteger(n) || n < 0 || (!zeroOk && n === 0)) {
    throw new RangeError(`${what}: ${n} (expected a ${zeroOk ? 'non-negative' : 'positive'} integer)`)
  }
}
