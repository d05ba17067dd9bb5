/**
 * Processes and threads as one kernel (domain) sees them. A KProcess owns an address space id, the
 * domain's fd table for it, and its threads; a KThread is what a Scheduler runs on a CPU.
 * In VirtuOS a service domain holds a mirror KProcess per registered primary process (its remote fd
 * table and credentials), whose threads are that domain's workers.
 */
import type {Wakeup} from './engine.js'
import type {OpenFile} from './file.js'
import {Bill} from './ledger.js'
import {KWaitQueue} from './waitqueue.js'
import type {DomainId, Fd, Pid, Tid} from './types.js'

export type ThreadState = 'new' | 'runnable' | 'running' | 'blocked' | 'exited'
/** `user`: runs a workload program (traps into its kernel); `kernel`: a kernel thread (workers, daemons). */
export type ThreadKind = 'user' | 'kernel'

/** Address-space counters by run (keyed by the run's engine), shared by every domain of the run. */
const addressSpaceIds = new WeakMap<object, {next: number}>()

/**
 * The next address-space id of the run driven by `engine` (1, 2, ...): a core switching between
 * two of them pays the address-space switch. Only equality matters within a run.
 */
export function newAddressSpaceId(engine: object): number {
  let ids = addressSpaceIds.get(engine)
  if (!ids) addressSpaceIds.set(engine, (ids = {next: 1}))
  return ids.next++
}

export class KThread {
  readonly tid: Tid
  state: ThreadState = 'new'
  /** Physical core it runs on while it holds a CPU of its scheduler, else null. */
  cpu: number | null = null
  /** Core it last ran on (wake-up affinity). */
  lastCpu: number | null = null
  /** Cycles of the current timeslice used. */
  sliceUsed = 0
  /** Cycles spent running (compute, including switch costs paid on its behalf). */
  runCycles = 0
  /** Context switches that brought this thread onto a CPU. */
  switchesIn = 0
  /** While queued for a CPU: fired by the scheduler that assigns it one. */
  cpuGrant: Wakeup<unknown> | null = null
  private bill_: Bill | null = null
  /** This thread's bill, cleared: a stretch it is about to spend split by activity (ledger.ts). */
  bill(): Bill {
    return (this.bill_ ??= new Bill()).clear()
  }
  /** `tid` is allocated by the thread's kernel (per kernel, so per run). */
  constructor(
    readonly process: KProcess,
    readonly kind: ThreadKind,
    readonly name: string,
    tid: Tid,
  ) {
    this.tid = tid
  }
  get domain(): DomainId {
    return this.process.domain
  }
  get asid(): number {
    return this.process.asid
  }
}

/** Per-process fd table of one domain: lowest free slot first, as POSIX requires. */
export class FdTable {
  private readonly slots = new Map<Fd, OpenFile>()
  constructor(readonly limit = 1024) {}

  get(fd: Fd): OpenFile | undefined {
    return this.slots.get(fd)
  }
  /** Lowest free fd >= min, or -1 when the table is full. */
  lowestFree(min = 0): Fd {
    for (let fd = min; fd < this.limit; fd++) if (!this.slots.has(fd)) return fd
    return -1
  }
  install(file: OpenFile, min = 0): Fd {
    const fd = this.lowestFree(min)
    if (fd >= 0) this.slots.set(fd, file)
    return fd
  }
  installAt(fd: Fd, file: OpenFile): void {
    this.slots.set(fd, file)
  }
  remove(fd: Fd): OpenFile | undefined {
    const file = this.slots.get(fd)
    this.slots.delete(fd)
    return file
  }
  entries(): [Fd, OpenFile][] {
    return [...this.slots.entries()].sort((a, b) => a[0] - b[0])
  }
  get size(): number {
    return this.slots.size
  }
}

export interface Credentials {
  uid: number
  gid: number
}

export class KProcess {
  readonly threads = new Set<KThread>()
  readonly children = new Set<KProcess>()
  readonly fds: FdTable
  cred: Credentials = {uid: 0, gid: 0}
  exitCode: number | null = null
  /** User memory words (futex words, library locks), by address. Shared by the threads. */
  readonly memory = new Map<number, number>()
  /** Woken when a child exits (wait4). */
  readonly childExit = new KWaitQueue()
  /** Set by exit(): the other threads die at their next call or compute, with `exitStatus`. */
  exiting = false
  exitStatus = 0
  /** Mapped regions by start address (mmap is local bookkeeping only). */
  readonly mappings = new Map<number, number>()
  nextMapAddress = 0x7f00_0000_0000
  constructor(
    readonly pid: Pid,
    public ppid: Pid,
    readonly domain: DomainId,
    public asid: number,
    fdLimit = 1024,
  ) {
    this.fds = new FdTable(fdLimit)
  }
  get exited(): boolean {
    return this.exitCode !== null
  }
}
