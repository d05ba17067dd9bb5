/**
 * The syscall pages of one (process, core): 64-byte entries, 64 per page, `pagesPerCore` pages.
 * An entry's status goes free -> submitted -> busy -> done -> free, written in that order (the
 * caller fills the arguments and sets `submitted` last; the syscall thread sets `busy`, runs the
 * call, writes the return value and sets `done`; the caller reads it and sets `free`). Each entry
 * is one cache line (CacheLine, from the VirtuOS model): the core that touches it after another
 * core wrote it pays the line transfer.
 */
import {InvariantError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'
import type {Wakeup} from '../engine.js'
import type {KThread} from '../process.js'
import type {SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import {CacheLine} from '../virtuos/cache-line.js'

/** A caller that posted entries: woken when one of them is done while it sleeps in flexsc_wait. */
export class Waiter {
  sleep: Wakeup<true> | null = null
  /** The thread that sleeps (M-on-N: the core's carrier, which can change hands). */
  constructor(public thread: KThread) {}
}

export type EntryStatus = 'free' | 'submitted' | 'busy' | 'done'

export interface SyscallEntry {
  readonly index: number
  status: EntryStatus
  name: SyscallName | null
  args: SyscallArgs | null
  result: SyscallResult | null
  readonly line: CacheLine
  /** The thread that posted it (woken if it sleeps in flexsc_wait when the entry is done). */
  waiter: Waiter | null
}

export class SyscallPageSet {
  readonly entries: SyscallEntry[]
  /** Submitted entries in posting order (the syscall thread serves them FIFO). */
  private readonly queue: SyscallEntry[] = []
  /** Posts that found every entry in use. */
  exhaustions = 0
  posted = 0
  completed = 0

  constructor(
    params: MachineParams,
    readonly capacity: number,
  ) {
    this.entries = Array.from({length: capacity}, (_, index) => ({
      index,
      status: 'free' as EntryStatus,
      name: null,
      args: null,
      result: null,
      line: new CacheLine(params),
      waiter: null,
    }))
  }

  /** The lowest free entry, filled and submitted, or null when all are in use. */
  post<N extends SyscallName>(name: N, args: SyscallArgs<N>, waiter: Waiter | null = null): SyscallEntry | null {
    const e = this.entries.find((x) => x.status === 'free')
    if (!e) {
      this.exhaustions++
      return null
    }
    e.name = name
    e.args = args as SyscallArgs
    e.result = null
    e.waiter = waiter
    e.status = 'submitted'
    this.queue.push(e)
    this.posted++
    return e
  }

  get pending(): number {
    return this.queue.length
  }

  /** The syscall thread claims the oldest submitted entry (status busy), or null. */
  claim(): SyscallEntry | null {
    const e = this.queue.shift()
    if (!e) return null
    this.expect(e, 'submitted')
    e.status = 'busy'
    return e
  }

  complete(e: SyscallEntry, result: SyscallResult): void {
    this.expect(e, 'busy')
    e.result = result
    e.status = 'done'
    this.completed++
  }

  /** The caller has read the result: the entry is free again. */
  release(e: SyscallEntry): SyscallResult {
    this.expect(e, 'done')
    const r = e.result!
    e.status = 'free'
    e.name = null
    e.args = null
    e.result = null
    e.waiter = null
    return r
  }

  census(): Record<EntryStatus, number> {
    const c: Record<EntryStatus, number> = {free: 0, submitted: 0, busy: 0, done: 0}
    for (const e of this.entries) c[e.status]++
    return c
  }

  /** The submitted queue holds exactly the submitted entries, once each. */
  check(where: string): void {
    const seen = new Set<number>()
    for (const e of this.queue) {
      if (seen.has(e.index)) throw new InvariantError(`${where}: entry ${e.index} is queued twice`)
      seen.add(e.index)
      if (e.status !== 'submitted') throw new InvariantError(`${where}: queued entry ${e.index} is ${e.status}`)
    }
    const c = this.census()
    if (c.submitted !== this.queue.length) {
      throw new InvariantError(`${where}: ${c.submitted} entries submitted, ${this.queue.length} queued`)
    }
  }

  private expect(e: SyscallEntry, status: EntryStatus): void {
    if (e.status !== status) throw new InvariantError(`syscall entry ${e.index} is ${e.status}, expected ${status}`)
  }
}

/**
 * One actor's walk over entries: after an access to entry i, an access to entry i+1 is part of a
 * sequential stream (prefetched, its miss overlapped with others), so its line transfer costs
 * 1/`overlap` of a lone one.
 */
export class EntryStream {
  private last = -2
  constructor(private readonly overlap: number) {}
  cost(index: number, transfer: number): number {
    const streamed = index === this.last + 1
    this.last = index
    return streamed ? Math.ceil(transfer / this.overlap) : transfer
  }
}
