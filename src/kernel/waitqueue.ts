/**
 * Kernel wait queues (wait_queue_head_t): threads and pollers register an entry; a waker wakes one
 * (exclusive) or all. Entries are callbacks so that one poll() can sleep on many queues at once.
 */
import {TIMED_OUT, Wakeup} from './engine.js'
import type {KThread} from './process.js'
import type {Scheduler} from './scheduler.js'
import type {Gen} from './types.js'

export interface WaitEntry {
  readonly notify: () => void
  /** Exclusive entries are woken one at a time by wakeOne (accept, futex). */
  readonly exclusive: boolean
}

/** An entry as this module keeps it: `queued` until woken or removed (remove() is then O(1)). */
interface QueuedEntry extends WaitEntry {
  queued: boolean
}

export class KWaitQueue {
  private readonly entries: QueuedEntry[] = []

  get length(): number {
    return this.entries.length
  }

  add(notify: () => void, exclusive = false): WaitEntry {
    const entry: QueuedEntry = {notify, exclusive, queued: true}
    this.entries.push(entry)
    return entry
  }

  remove(entry: WaitEntry): void {
    // a woken entry has left the queue already: no search (the common case after a sleep)
    if ((entry as QueuedEntry).queued === false) return
    const i = this.entries.indexOf(entry as QueuedEntry)
    if (i >= 0) {
      this.entries.splice(i, 1)
      ;(entry as QueuedEntry).queued = false
    }
  }

  /** Wake the first entry (and every non-exclusive one before it). Returns entries woken. */
  wakeOne(): number {
    let woken = 0
    while (this.entries.length > 0) {
      const entry = this.entries.shift()!
      entry.queued = false
      entry.notify()
      woken++
      if (entry.exclusive) break
    }
    return woken
  }

  wakeAll(): number {
    const all = this.entries.splice(0)
    for (const entry of all) entry.queued = false
    for (const entry of all) entry.notify()
    return all.length
  }

  /**
   * Block `thread` until woken or `timeout` cycles pass (-1/undefined: forever). Returns true when
   * woken. The CPU is given up meanwhile.
   */
  *sleep(sched: Scheduler, thread: KThread, timeout?: number, exclusive = true): Gen<boolean> {
    const wake = new Wakeup<true>(sched.sim)
    const entry = this.add(() => wake.fire(true), exclusive)
    const got = yield* sched.block(thread, wake.wait(timeout === undefined || timeout < 0 ? undefined : timeout))
    this.remove(entry)
    return got !== TIMED_OUT
  }
}

/** Wait until any of several queues is woken (poll/select/epoll), or timeout. */
export function* sleepOnAny(sched: Scheduler, thread: KThread, queues: KWaitQueue[], timeout?: number): Gen<boolean> {
  const wake = new Wakeup<true>(sched.sim)
  const entries = queues.map(
    (q) =>
      [
        q,
        q.add(() => {
          if (!wake.fired) wake.fire(true)
        }),
      ] as const,
  )
  const got = yield* sched.block(thread, wake.wait(timeout === undefined || timeout < 0 ? undefined : timeout))
  for (const [q, e] of entries) q.remove(e)
  return got !== TIMED_OUT
}
