/**
 * One kernel per domain: its scheduler, syscall table and processes (VFS and network stack attach
 * here). It knows no dispatch path: a path builds a CallContext and calls `invoke`.
 */
import {kernelWork} from '../machine/cost.js'
import {defaultWorkingSet, pollute, type UserWorkingSet} from '../machine/indirect.js'
import {copyFootprint, runHandler} from '../machine/kernel-locality.js'
import {callFootprint, workOf} from './footprints.js'
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import {copy} from '../machine/copy.js'
import type {Machine} from '../machine/machine.js'
import {socketOf} from '../machine/topology.js'
import {cancellableAfter, spawn, type Simulation} from './engine.js'
import {machineDisk, noDisk} from './hw.js'
import type {Network} from './net/network.js'
import {NetStack} from './net/stack.js'
import {BlockLayer, type DiskPort} from './vfs/block.js'
import {PageCache, type CachedPage} from './vfs/pagecache.js'
import {CacheRecency, cacheRecencyOf} from './cache-recency.js'
import {Vfs} from './vfs/vfs.js'
import {KWaitQueue} from './waitqueue.js'
import {defaultKernelParams, nsToCycles, type KernelParams} from './params.js'
import {checkMechanismOverrides} from '../config/schema.js'
import {KProcess, KThread, newAddressSpaceId, type ThreadKind} from './process.js'
import {Scheduler} from './scheduler.js'
import {Act, type Bill} from './ledger.js'
import type {CallContext} from './syscalls/context.js'
import type {ProcessRuntime} from './syscalls/proc.js'
import {buildSyscallTable, type SyscallTable} from './syscalls/table.js'
import {
  fail,
  type DomainId,
  type Gen,
  type Pid,
  type SyscallArgs,
  type SyscallName,
  type SyscallResult,
} from './types.js'
import {FlowPort} from './flow.js'

export interface KernelOptions {
  sim: Simulation
  params: MachineParams
  /** The machine whose cores and disk this kernel drives (null: a client host with no modelled devices). */
  machine: Machine | null
  domain: DomainId
  /** Physical cores this kernel's (v)CPUs run on. */
  cpus: number[]
  kernel?: Partial<KernelParams>
  /** Network attachment: the Ethernet and this kernel's host name on it (omit: loopback only). */
  network?: Network
  host?: string
  /** Whether this kernel owns the disk (storage domain / native; default no: its files are memory-only). */
  disk?: boolean
  /**
   * With `disk`: the block device its files live on when that is not the machine disk itself (a
   * driver domain's guest: blkfront, which reaches the disk through the driver domain).
   */
  blockDevice?: DiskPort
}

/** Calls served, by name (the per-run counters). */
export class CallCounters {
  readonly byName = new Map<SyscallName, {issued: number; answered: number; errors: number}>()
  issue(name: SyscallName): void {
    this.entry(name).issued++
  }
  answer(name: SyscallName, result: SyscallResult): void {
    const e = this.entry(name)
    e.answered++
    if (result.ret < 0) e.errors++
  }
  get issued(): number {
    let n = 0
    for (const e of this.byName.values()) n += e.issued
    return n
  }
  get answered(): number {
    let n = 0
    for (const e of this.byName.values()) n += e.answered
    return n
  }
  private entry(name: SyscallName) {
    let e = this.byName.get(name)
    if (!e) this.byName.set(name, (e = {issued: 0, answered: 0, errors: 0}))
    return e
  }
}

/** The kernels sharing one simulation (a System's domains and its client hosts). */
const kernelsBySim = new WeakMap<Simulation, Set<Kernel>>()

export class Kernel {
  readonly sim: Simulation
  readonly params: MachineParams
  readonly kparams: KernelParams
  readonly domain: DomainId
  readonly sched: Scheduler
  readonly table: SyscallTable = buildSyscallTable()
  readonly processes = new Map<Pid, KProcess>()
  readonly counters = new CallCounters()
  /** Where a design reports its requests' steps (flow.ts), for traces. */
  readonly flows = new FlowPort()
  readonly machine: Machine | null
  /** Whether this kernel's files live on the machine disk (/storage for the workloads). */
  readonly ownsDisk: boolean
  readonly vfs: Vfs
  readonly net: NetStack
  /** Futex wait queues by (address space, address). */
  readonly futexes = new Map<string, KWaitQueue>()
  /** How programs start on this kernel's threads (set by the System; fork/exec need it). */
  runtime: ProcessRuntime | null = null
  private nextPid = 1
  /** Thread ids are per kernel (and so per run): the same run numbers its threads the same way. */
  private nextTid = 1
  private flusherArmed = false
  private cancelFlusher: (() => void) | null = null
  /** Which copied bytes are still in the CPU caches (shared by the kernels of one machine). */
  readonly cacheRecency: CacheRecency

  constructor(options: KernelOptions) {
    this.sim = options.sim
    this.machine = options.machine
    this.params = options.params
    this.domain = options.domain
    checkMechanismOverrides('kernel', options.kernel ?? {})
    this.kparams = {...defaultKernelParams, ...this.params.kernel, ...options.kernel}
    this.sched = new Scheduler(
      this.sim,
      this.params,
      this.domain,
      options.cpus,
      {timeslice: this.kparams.timeslice},
      this.machine,
    )
    let peers = kernelsBySim.get(this.sim)
    if (!peers) kernelsBySim.set(this.sim, (peers = new Set()))
    peers.add(this)
    this.sched.setExitHook((t) => {
      if (t.kind === 'user') this.userThreadExited()
    })
    this.cacheRecency = cacheRecencyOf(options.machine, options.params)
    this.ownsDisk = options.disk === true && options.machine !== null
    this.vfs = this.buildVfs(this.ownsDisk ? (options.blockDevice ?? machineDisk(this)) : noDisk(this.domain))
    this.net = new NetStack(this, options.network ?? null, options.host ?? null)
  }

  private buildVfs(disk: DiskPort): Vfs {
    const k = this.kparams
    const pages =
      k.pageCachePages > 0
        ? k.pageCachePages
        : Math.floor((this.params.memoryBytes * k.pageCacheFraction) / k.pageBytes)
    const cache = new PageCache(pages, k.pageBytes)
    const block = new BlockLayer(disk, k.maxRequestBytes)
    const vfs = new Vfs(cache, block, k.readaheadPages, {
      copyCycles: (ctx, bytes, pages) => this.pageCopyCycles(ctx.thread, bytes, pages),
      onDirty: () => this.armFlusher(),
    })
    vfs.thresholds = {
      dirtyBackgroundPages: Math.floor(pages * k.dirtyBackgroundRatio),
      dirtyLimitPages: Math.floor(pages * k.dirtyRatio),
    }
    return vfs
  }

  /**
   * Background writeback: armed when pages turn dirty, writes those older than dirty_expire every
   * writeback interval while dirty pages remain. Once no user thread is left in the simulation
   * (every kernel of it), nothing can observe later writeback: the flusher stops, so a finished
   * run does not go on for dirty_expire of idle flushing.
   */
  private armFlusher(): void {
    if (this.flusherArmed) return
    this.flusherArmed = true
    const interval = nsToCycles(this.kparams.writebackIntervalNs, this.params.clockHz)
    const expire = nsToCycles(this.kparams.dirtyExpireNs, this.params.clockHz)
    const vfs = this.vfs
    const kernel = this
    this.cancelFlusher = cancellableAfter(this.sim, interval, () => {
      this.cancelFlusher = null
      if (!this.userWorkLeft()) {
        this.flusherArmed = false
        return
      }
      spawn(
        this.sim,
        (function* () {
          yield* vfs.flush(kernel.sim.now - expire)
          kernel.flusherArmed = false
          if (vfs.cache.dirtyCount > 0) kernel.armFlusher()
        })(),
        `flusher-${this.domain}`,
      )
    })
  }

  /** Whether any kernel of this simulation still has a user thread that has not exited. */
  userWorkLeft(): boolean {
    for (const k of kernelsBySim.get(this.sim) ?? [this]) {
      for (const p of k.processes.values()) {
        for (const t of p.threads) if (t.kind === 'user' && t.state !== 'exited') return true
      }
    }
    return false
  }

  /** The last user thread anywhere is gone: drop every kernel's pending flusher wake-up. */
  private userThreadExited(): void {
    if (this.userWorkLeft()) return
    for (const k of kernelsBySim.get(this.sim) ?? [this]) {
      if (!k.cancelFlusher) continue
      k.cancelFlusher()
      k.cancelFlusher = null
      k.flusherArmed = false
    }
  }

  /** Cycles to copy `bytes` on the thread's core (warm: the source is in that core's caches). */
  copyCycles(thread: KThread, bytes: number, warm: boolean): number {
    const socket = this.socketOf(thread)
    this.cacheRecency.streamed(socket, bytes)
    this.copyTouches(thread, bytes)
    return copy(this.params, bytes, {warm, srcSocket: socket, dstSocket: socket})
  }

  /**
   * Cycles to copy `bytes` between the page cache and a user buffer: the share of `pages` still in
   * this socket's caches (cache-recency.ts) copies warm, the rest streams from memory.
   */
  pageCopyCycles(thread: KThread, bytes: number, pages: readonly CachedPage[]): number {
    if (bytes <= 0) return 0
    const socket = this.socketOf(thread)
    const recency = this.cacheRecency
    const resident = pages.filter((p) => recency.resident(socket, p, bytes)).length
    const warmBytes = pages.length > 0 ? Math.round((bytes * resident) / pages.length) : 0
    const at = {srcSocket: socket, dstSocket: socket}
    const cycles =
      copy(this.params, warmBytes, {warm: true, ...at}) + copy(this.params, bytes - warmBytes, {warm: false, ...at})
    recency.streamed(socket, bytes)
    for (const p of pages) recency.touch(socket, p)
    this.copyTouches(thread, bytes)
    return cycles
  }

  /** A copy on the thread's core displaces user and kernel lines there, in proportion to its bytes. */
  private copyTouches(thread: KThread, bytes: number): void {
    const core = thread.cpu !== null ? this.sched.machineCore(thread.cpu) : undefined
    if (!core || !(bytes > 0)) return
    core.kernelSet.copiedBytes(this.params, bytes)
    this.userLines ??= defaultWorkingSet(this.params)
    core.cacheState = pollute(this.params, core.cacheState, copyFootprint(this.params, bytes), this.userLines)
  }
  /** The user working set copies displace (pollute reads only its lines). */
  private userLines: UserWorkingSet | null = null

  private socketOf(thread: KThread): number {
    const core = thread.cpu ?? thread.lastCpu ?? this.sched.cpus[0]
    return core < this.params.cores ? socketOf(this.params, core) : 0
  }

  /** The wait queue of a futex word. */
  futexQueue(asid: number, addr: number): KWaitQueue {
    const key = `${asid}:${addr}`
    let q = this.futexes.get(key)
    if (!q) this.futexes.set(key, (q = new KWaitQueue()))
    return q
  }

  /** The profile's footprint of a call or work key (FlexSC table 1, see footprints.ts), else the default. */
  footprint(work: string): SyscallFootprint {
    let fp = this.footprints.get(work)
    if (!fp) this.footprints.set(work, (fp = callFootprint(this.params, work)))
    return fp
  }
  private readonly footprints = new Map<string, SyscallFootprint>()
  /** The footprint of each thread's last call (its return leaves it in the user's caches). */
  private readonly lastFootprints = new WeakMap<KThread, SyscallFootprint>()

  /** The footprint of `thread`'s last call, if it made one here. */
  lastFootprint(thread: KThread): SyscallFootprint | undefined {
    return this.lastFootprints.get(thread)
  }

  /** Cycles of a call's kernel path at its cold measured cost (a cost proxy with no core to run on). */
  handlerCycles(name: SyscallName): number {
    return kernelWork(this.params, this.footprint(name))
  }

  /** The work a call does: its name and the kind of object its fd names (footprints.ts). */
  workOf(ctx: CallContext, name: SyscallName, args: unknown): string {
    const fd = (args as {fd?: unknown}).fd
    const obj = typeof fd === 'number' ? ctx.process.fds.get(fd)?.obj : undefined
    const kind = !obj ? 'none' : (obj as {pipe?: boolean}).pipe ? 'pipe' : obj.kind
    return workOf(name, kind)
  }

  /**
   * The thread's bill for a handler on its core: between warm and its cold row by what of its
   * footprint the core still holds (kernel-locality.ts), the warm end and the cold part apart;
   * counted as kernel mode. No machine core: the cold row.
   */
  chargeHandler(thread: KThread, work: string, fp: SyscallFootprint): Bill {
    const core = thread.cpu !== null ? this.sched.machineCore(thread.cpu) : undefined
    if (!core) return thread.bill().add(Act.handlerCold, kernelWork(this.params, fp))
    const cost = runHandler(this.params, core.kernelSet, `${this.domain}/${work}`, fp)
    this.machine?.counters.add(core.id, 'kernel', this.domain, cost.cycles, fp.instructions, cost.misses)
    return thread.bill().add(Act.handlerWarm, cost.warm).add(Act.handlerCold, cost.coldPart)
  }

  /** A new process in this domain (`pid` given when mirroring another domain's process). */
  createProcess(ppid: Pid, pid?: Pid, asid?: number): KProcess {
    const id = pid ?? this.nextPid++
    if (pid !== undefined) this.nextPid = Math.max(this.nextPid, pid + 1)
    const proc = new KProcess(id, ppid, this.domain, asid ?? this.newAddressSpace(), this.kparams.fdLimit)
    this.processes.set(id, proc)
    return proc
  }

  newAddressSpace(): number {
    return newAddressSpaceId(this.sim)
  }

  createThread(process: KProcess, kind: ThreadKind, name: string): KThread {
    const thread = new KThread(process, kind, name, this.nextTid++)
    process.threads.add(thread)
    return thread
  }

  /**
   * Serve one call: the handler's footprint cycles on ctx.thread's CPU (by the work it does and how
   * warm that core is for it), then the handler itself.
   * Dispatch paths wrap this with their own entry/exit costs.
   */
  *invoke<N extends SyscallName>(ctx: CallContext, name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    this.counters.issue(name)
    const handler = this.table[name] as ((c: CallContext, a: SyscallArgs<N>) => Gen<SyscallResult>) | undefined
    let result: SyscallResult
    if (!handler) {
      this.lastFootprints.delete(ctx.thread)
      result = fail('ENOSYS')
    } else {
      const work = this.workOf(ctx, name, args)
      const fp = this.footprint(work)
      this.lastFootprints.set(ctx.thread, fp)
      yield* this.sched.acquire(ctx.thread)
      yield* this.sched.computeBill(ctx.thread, this.chargeHandler(ctx.thread, work, fp))
      result = yield* handler(ctx, args)
    }
    this.counters.answer(name, result)
    return result
  }
}
