/** A request to a service domain: what it asks, who waits for it, and its one answer. */
import type {Simulation} from '../engine.js'
import type {Bill} from '../ledger.js'
import {Wakeup} from '../engine.js'
import type {SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import type {CallEntry} from './call-page.js'
import type {Allocation} from './data-region.js'
import type {WorkerGroup} from './worker-group.js'

/** What a request asks the domain to do: a system call, or a library-internal operation. */
export type RemoteOp =
  {kind: 'call'; name: SyscallName; args: SyscallArgs} | {kind: 'setcred'; uid: number; gid: number}

/** Whoever waits for requests (the primary-side process): told when a worker finishes one. */
export interface RequestOwner {
  readonly pid: number
  /**
   * `req` is done (its entry reads DONE). `enqueue`: the waiter had set 0x80. Returns the cycles
   * the completing side spends (ready-queue CAS, ring message, event channel), split by activity
   * into `bill` when one is given.
   */
  completed(req: Request, enqueue: boolean, core: number, byCrash: boolean, bill?: Bill): number
}

export class Request {
  result: SyscallResult | null = null
  /** Fired when answered (a submitter spinning on the entry watches it). */
  readonly done: Wakeup<true>
  /** Set by a cross-domain poll: completion also signals the primary eventfd (ring message). */
  onDone: (() => void) | null = null
  alloc: Allocation | null = null
  constructor(
    sim: Simulation,
    /** Unique in the run (RequestLedger.newId). */
    readonly id: number,
    readonly group: WorkerGroup,
    readonly op: RemoteOp,
    readonly entry: CallEntry,
    /** The waiting user thread's ready-queue slot. */
    readonly waiter: number,
  ) {
    this.done = new Wakeup<true>(sim)
  }
  get answered(): boolean {
    return this.result !== null
  }
  get name(): string {
    return this.op.kind === 'call' ? this.op.name : this.op.kind
  }
}
