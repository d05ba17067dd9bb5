/**
 * The call pages of one (process, service domain): 454 request entries of 64 bytes, a free stack
 * and a submitted stack of entry indices (stamped Treiber stacks). The id byte carries the protocol:
 * the call number while pending, 0x80 set by a submitter that went away (so the worker puts its
 * thread on the ready queue), 0xFF once done. The result is written back into the entry.
 */
import {InvariantError} from '../../errors.js'
import type {SyscallResult} from '../types.js'
import {NIL, TreiberStack} from './treiber.js'

export const ENTRY_DONE = 0xff
export const ENTRY_WAKE_BIT = 0x80
export const ENTRY_ARGS = 6

export type EntryState = 'free' | 'filled' | 'submitted' | 'taken' | 'done'

export interface CallEntry {
  readonly index: number
  /** Call number (1..0x7e) while pending, | 0x80 when the waiter left, 0xFF when done. */
  id: number
  /** Signal flag: the call was interrupted (not modelled beyond being carried). */
  signal: boolean
  /** Sequence number: tells a reused entry from its previous use. */
  seq: number
  /** Task id of the submitting user thread, and its slot (the waiter pointer). */
  taskId: number
  waiter: number
  /** Argument words; the model carries the call itself in `request`. */
  readonly args: number[]
  state: EntryState
  /** The request this entry carries (model payload) and its answer (arg 0 in the release). */
  request: unknown
  result: SyscallResult | null
}

export class CallPageSet {
  readonly entries: CallEntry[]
  readonly free: TreiberStack
  readonly submitted: TreiberStack
  private seq = 0
  /** Submitters that found no free entry and had to retry. */
  exhaustions = 0

  constructor(readonly capacity: number) {
    this.entries = Array.from({length: capacity}, (_, index) => ({
      index,
      id: 0,
      signal: false,
      seq: 0,
      taskId: 0,
      waiter: NIL,
      args: new Array<number>(ENTRY_ARGS).fill(0),
      state: 'free' as EntryState,
      request: null,
      result: null,
    }))
    this.free = TreiberStack.full(capacity)
    this.submitted = new TreiberStack(capacity)
  }

  /** Pop a free entry and fill it, or null when none is free (the caller yields and retries). */
  acquire(callNumber: number, taskId: number, waiter: number, request: unknown): CallEntry | null {
    const i = this.free.pop()
    if (i === NIL) {
      this.exhaustions++
      return null
    }
    const e = this.entries[i]
    this.expect(e, 'free')
    e.id = callNumber & 0x7f || 1
    e.signal = false
    e.seq = ++this.seq
    e.taskId = taskId
    e.waiter = waiter
    e.request = request
    e.result = null
    e.state = 'filled'
    return e
  }

  submit(e: CallEntry): void {
    this.expect(e, 'filled')
    e.state = 'submitted'
    this.submitted.push(e.index)
  }

  /** A worker takes the most recently submitted entry (LIFO), or null. */
  take(): CallEntry | null {
    const i = this.submitted.pop()
    if (i === NIL) return null
    const e = this.entries[i]
    this.expect(e, 'submitted')
    e.state = 'taken'
    return e
  }

  /**
   * The submitter leaves: set 0x80 so the worker enqueues its thread. False when the entry is
   * already done (the submitter then carries on itself).
   */
  markWaiting(e: CallEntry): boolean {
    if (e.id === ENTRY_DONE) return false
    e.id |= ENTRY_WAKE_BIT
    return true
  }

  /** Write the result and swap id to DONE; returns whether the waiter asked to be enqueued. */
  complete(e: CallEntry, result: SyscallResult): boolean {
    if (e.state !== 'taken' && e.state !== 'submitted') {
      throw new InvariantError(`entry ${e.index} completed while ${e.state}`)
    }
    e.result = result
    const old = e.id
    e.id = ENTRY_DONE
    e.state = 'done'
    return (old & ENTRY_WAKE_BIT) !== 0
  }

  /** The submitter has read the result: the entry goes back on the free stack. */
  release(e: CallEntry): void {
    this.expect(e, 'done')
    e.state = 'free'
    e.request = null
    e.id = 0
    this.free.push(e.index)
  }

  /** Entries by state, for the invariants: every entry is in exactly one place. */
  census(): Record<EntryState, number> {
    const c: Record<EntryState, number> = {free: 0, filled: 0, submitted: 0, taken: 0, done: 0}
    for (const e of this.entries) c[e.state]++
    return c
  }

  /** Stack contents agree with entry states, and no index is on a stack twice. */
  check(where: string): void {
    const free = this.free.contents()
    const sub = this.submitted.contents()
    const seen = new Set<number>()
    for (const i of [...free, ...sub]) {
      if (seen.has(i)) throw new InvariantError(`${where}: entry ${i} is on the stacks twice`)
      seen.add(i)
    }
    const c = this.census()
    if (free.length !== c.free) {
      throw new InvariantError(`${where}: free stack holds ${free.length} entries, ${c.free} entries are free`)
    }
    if (sub.length !== c.submitted) {
      throw new InvariantError(`${where}: submitted stack holds ${sub.length}, ${c.submitted} entries are submitted`)
    }
  }

  private expect(e: CallEntry, state: EntryState): void {
    if (e.state !== state) throw new InvariantError(`entry ${e.index} is ${e.state}, expected ${state}`)
  }
}
