/**
 * The FlexSC C library: a call is posted to the syscall page of the caller's core (exceptionless)
 * and collected after flexsc_wait; `batch` posts several calls before one wait (FlexSC's batching);
 * exit, exec and sched_yield still trap (they act on the calling thread itself). One kernel, no
 * domains: buffers stay where they are (the syscall thread runs in the caller's address space).
 */
import {InvariantError} from '../../errors.js'
import {compute as computeCycles, kernelWork, trapEntry, trapExit} from '../../machine/cost.js'
import {NativeLibC, userCompute} from '../dispatch/native.js'
import {Wakeup} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program, SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import type {FlexscEnv, SyscallCore} from './syscall-core.js'
import {SyscallCore as Core, FlexscStats} from './syscall-core.js'
import {EntryStream, Waiter, type SyscallEntry} from './syscall-page.js'
import {CoreThreads, FlexscUThread, ThreadStats} from './threads.js'

/** Calls that act on the calling thread itself: they keep the synchronous trap. */
const TRAPS: ReadonlySet<SyscallName> = new Set<SyscallName>(['exit', 'exec', 'sched_yield'])

/** FlexSC's per-process state: the syscall pages and threads of each core it posted on. */
export class FlexscProcess {
  readonly cores = new Map<number, SyscallCore>()
  /** FlexSC-Threads (M-on-N) state by core, once the process has more than one thread. */
  readonly threadCores = new Map<number, CoreThreads>()
  readonly threadStats = new ThreadStats()
  /** Exit values of ended user threads (M-on-N join), by tid. */
  readonly exitCodes = new Map<number, number>()
  constructor(readonly env: FlexscEnv, readonly proc: KProcess, readonly runner: ThreadRunner) {}

  /** The M-on-N scheduler of `core` (its carrier kernel thread is created with it). */
  threadsOn(core: number): CoreThreads {
    let ct = this.threadCores.get(core)
    if (!ct) {
      const runner = this.runner
      this.threadCores.set(core, (ct = new CoreThreads(this, core, (c, t) => {
        const lib = new FlexscLibC(this, this.env.kernel, t, runner)
        lib.carrier = c
        return lib
      })))
      // a handler that blocks on the carrier (same-core serving) hands the carrier role on
      this.coreFor(core).setTakeOverHook((blocked, successor) => {
        for (const c of this.threadCores.values()) {
          const next = c.carrierBlocked(blocked, successor)
          if (next) return next
        }
        return null
      })
    }
    return ct
  }

  /** Where FlexSC-Threads places a new user thread: the least-loaded of its cores. */
  placeThread(): number {
    const cores = this.env.fp.userCores ?? [...this.env.kernel.sched.cpus]
    const load = (c: number) => {
      const ct = this.threadCores.get(c)
      return ct ? ct.ready.length + ct.parked.size + (ct.running ? 1 : 0) : 0
    }
    return cores.reduce((best, c) => (load(c) < load(best) ? c : best), cores[0])
  }

  /** Calls posted for `waiter` that are not done yet. */
  pendingFor(waiter: Waiter): boolean {
    for (const sc of this.cores.values()) {
      for (const e of sc.pages.entries) if (e.waiter === waiter && (e.status === 'submitted' || e.status === 'busy')) return true
    }
    return false
  }

  /** A user thread ended: record its value and make ready whoever waited for it. */
  threadEnded(tid: number, code: number): void {
    this.exitCodes.set(tid, code)
    for (const ct of this.threadCores.values()) {
      for (const u of [...ct.parked]) if (u.until?.()) ct.makeReady(u)
    }
  }

  /** The pages of `userCore` (created on first use, as flexsc_register maps them). */
  coreFor(userCore: number): SyscallCore {
    let sc = this.cores.get(userCore)
    if (!sc) this.cores.set(userCore, (sc = new Core(this.env, this.proc, userCore, this.execCoreOf(userCore))))
    return sc
  }

  private execCoreOf(userCore: number): number {
    const fp = this.env.fp
    if (fp.placement === 'same-core') return userCore
    const cpus = this.env.kernel.sched.cpus
    // FlexSC's static list: user cores take its cores in turn (by core index), so every listed
    // core gets syscall threads; a listed core that also runs callers sends them elsewhere
    const list = fp.syscallCores.filter((c) => c !== userCore)
    if (list.length > 0) return list[Math.max(0, cpus.indexOf(userCore)) % list.length]
    return cpus.find((c) => c !== userCore) ?? userCore
  }

  shutdown(): void {
    for (const sc of this.cores.values()) sc.shutdown()
    for (const ct of this.threadCores.values()) ct.shutdown()
  }
}

/** A posted call: its entry and the pages it sits in. */
export interface PostedCall {
  readonly entry: SyscallEntry
  readonly pages: SyscallCore
}

export class FlexscLibC extends NativeLibC {
  private readonly ownWaiter: Waiter
  /** M-on-N: the core whose carrier kernel thread this library runs on (null: 1:1, on `thread`). */
  carrier: CoreThreads | null = null
  /** M-on-N: the user thread this library belongs to (null: the carrier's own, or 1:1). */
  uthread: FlexscUThread | null = null
  /** This thread's walk over entries it posts and harvests (sequential streams overlap misses). */
  private readonly stream: EntryStream

  constructor(
    readonly fprocess: FlexscProcess,
    kernel: Kernel,
    thread: KThread,
    private readonly threadRunner: ThreadRunner,
  ) {
    super(kernel, thread, threadRunner)
    this.ownWaiter = new Waiter(thread)
    this.stream = new EntryStream(fprocess.env.fp.lineFillBuffers)
  }

  /** The kernel thread this library's work runs on: the core's carrier under M-on-N. */
  get kt(): KThread {
    return this.carrier ? this.carrier.kthread : this.thread
  }

  /** Who sleeps in flexsc_wait for this library's entries. */
  private get waiter(): Waiter {
    return this.carrier ? this.carrier.waiter : this.ownWaiter
  }

  private get stats(): FlexscStats {
    return this.fprocess.env.stats
  }

  private userCycles(instructions: number): number {
    return computeCycles(this.kernel.params, instructions, this.userIpc)
  }

  override *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    if (this.uthread) return yield* this.threadCall(name, args, this.uthread)
    if (TRAPS.has(name)) return yield* super.call(name, args)
    const [r] = yield* this.batch([[name, args]])
    return r
  }

  override *compute(instructions: number, ipc?: number): Gen<void> {
    if (!this.uthread) return yield* super.compute(instructions, ipc)
    if (this.thread.process.exiting) throw new ThreadExit(this.thread.process.exitStatus)
    yield* userCompute(this.kernel, this.kt, instructions, ipc ?? this.userIpc)
  }

  /**
   * FlexSC-Threads' wrapper: post the call, then let the core's other user threads run until it is
   * done (threads.ts). exit/exec trap on the carrier; sched_yield is a user-level yield.
   */
  private *threadCall<N extends SyscallName>(name: N, args: SyscallArgs<N>, u: FlexscUThread): Gen<SyscallResult> {
    const {kernel} = this
    const proc = this.thread.process
    if (proc.exiting) throw new ThreadExit(proc.exitStatus)
    const ct = u.core
    if (name === 'sched_yield') {
      yield* ct.yieldTo(u)
      return {ret: 0}
    }
    if (TRAPS.has(name)) {
      yield* kernel.sched.compute(this.kt, trapEntry(kernel.params))
      const result = yield* kernel.invoke({kernel, thread: this.kt, process: proc, name}, name, args)
      yield* kernel.sched.compute(this.kt, trapExit(kernel.params))
      if (name === 'exit') throw new ThreadExit((args as SyscallArgs<'exit'>).code)
      if (name === 'exec' && result.ret === 0) throw new ThreadExit(0, (args as SyscallArgs<'exec'>).program)
      return result
    }
    let p = yield* this.post(name, args)
    while (!p) {
      // every entry of the core is in use: run the others until one is harvested
      const sc = this.fprocess.coreFor(this.kt.cpu ?? ct.core)
      yield* ct.park(u, () => sc.pages.census().free > 0)
      p = yield* this.post(name, args)
    }
    const posted = p
    yield* ct.park(u, () => posted.entry.status === 'done')
    return yield* this.harvest(posted)
  }

  /**
   * Post every call, wait until all are done (flexsc_wait as needed), collect the results in order.
   * When the core's entries run out, the done ones are collected first to free them.
   */
  *batch(calls: readonly (readonly [SyscallName, SyscallArgs])[]): Gen<SyscallResult[]> {
    const proc = this.thread.process
    if (proc.exiting) throw new ThreadExit(proc.exitStatus)
    if (this.uthread) return yield* this.threadBatch(calls, this.uthread)
    const results: SyscallResult[] = new Array(calls.length)
    let open: {p: PostedCall; i: number}[] = []
    const collect = function* (this: FlexscLibC, all: boolean): Gen<void> {
      let rounds = 0
      while (open.length > 0 && (all || !open.some((o) => o.p.entry.status === 'done'))) {
        // wait on the calls not done yet (flexsc_wait returns at once while any of its calls is
        // done): each round finishes at least one, so more rounds than calls is a spin
        if (++rounds > open.length + 1) throw new InvariantError(`flexsc batch of thread ${this.thread.tid}: flexsc_wait returned ${rounds} times with calls still open`)
        const notDone = open.filter((o) => o.p.entry.status !== 'done').map((o) => o.p)
        if (notDone.length > 0) yield* this.flexscWait(notDone)
        if (!all) break
        if (open.every((o) => o.p.entry.status === 'done')) break
      }
      const still: typeof open = []
      for (const o of open) {
        if (o.p.entry.status === 'done') results[o.i] = yield* this.harvest(o.p)
        else still.push(o)
      }
      open = still
    }
    for (let i = 0; i < calls.length; i++) {
      const [name, args] = calls[i]
      let p = yield* this.post(name, args)
      while (!p) {
        if (open.length > 0) yield* collect.call(this, false)
        else yield* this.flexscWait([], true)
        p = yield* this.post(name, args)
      }
      open.push({p, i})
    }
    while (open.length > 0) yield* collect.call(this, true)
    return results
  }

  /** M-on-N batch: post every call, let the core's other user threads run until all are done. */
  private *threadBatch(calls: readonly (readonly [SyscallName, SyscallArgs])[], u: FlexscUThread): Gen<SyscallResult[]> {
    const posted: PostedCall[] = []
    const results: SyscallResult[] = []
    for (const [name, args] of calls) {
      let p = yield* this.post(name, args)
      while (!p) {
        const sc = this.fprocess.coreFor(this.kt.cpu ?? u.core.core)
        yield* u.core.park(u, () => sc.pages.census().free > 0 || posted.some((x, i) => !(i in results) && x.entry.status === 'done'))
        // harvest what is done to free entries
        for (let i = 0; i < posted.length; i++) if (posted[i].entry.status === 'done' && !(i in results)) results[i] = yield* this.harvest(posted[i])
        p = yield* this.post(name, args)
      }
      posted.push(p)
    }
    yield* u.core.park(u, () => posted.every((p, i) => i in results || p.entry.status === 'done'))
    for (let i = 0; i < posted.length; i++) if (!(i in results)) results[i] = yield* this.harvest(posted[i])
    return results
  }

  /** Write one entry of this core's pages (arguments, then `submitted`); null when every entry is in use. */
  *post<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<PostedCall | null> {
    const {kernel} = this
    const thread = this.kt
    yield* kernel.sched.acquire(thread)
    const sc = this.fprocess.coreFor(thread.cpu!)
    const entry = sc.pages.post(name, args, this.waiter)
    if (!entry) {
      this.stats.exhaustions++
      return null
    }
    this.stats.posts++
    yield* kernel.sched.compute(thread, this.userCycles(this.fprocess.env.fp.postInstructions) + this.stream.cost(entry.index, entry.line.write(thread.cpu!)))
    return {entry, pages: sc}
  }

  /** Read a done entry's return value and free it. */
  *harvest(p: PostedCall): Gen<SyscallResult> {
    const {kernel} = this
    const thread = this.kt
    yield* kernel.sched.acquire(thread)
    yield* kernel.sched.compute(thread, this.userCycles(this.fprocess.env.fp.harvestInstructions) + this.stream.cost(p.entry.index, p.entry.line.write(thread.cpu!)))
    return p.pages.pages.release(p.entry)
  }

  /**
   * flexsc_wait: returns once one of `posted` is done (checked in user space first). In the
   * kernel it runs the syscall thread of a same-core placement on this CPU, or wakes the remote
   * one with an IPI, and sleeps until a syscall thread wakes it. `drain`: wait for any progress;
   * `until` (M-on-N): sleep until it holds instead.
   */
  *flexscWait(posted: readonly PostedCall[], drain = false, until?: () => boolean): Gen<void> {
    const {kernel} = this
    const thread = this.kt
    const anyDone = () => posted.some((p) => p.entry.status === 'done')
    if (!drain && anyDone()) return
    const fp = this.fprocess.env.fp
    this.stats.waits++
    yield* kernel.sched.compute(thread, trapEntry(kernel.params))
    const mine = (sc: SyscallCore) => sc.pages.entries.some((e) => e.waiter === this.waiter && (e.status === 'submitted' || e.status === 'busy'))
    const cores = until
      ? [...this.fprocess.cores.values()].filter(mine)
      : drain ? [...this.fprocess.cores.values()] : [...new Set(posted.filter((p) => p.entry.status !== 'done').map((p) => p.pages))]
    for (const sc of cores) {
      if (sc.sameCore) {
        // no entry check of its own: switching to the syscall thread is the whole decision, and
        // the syscall thread's dispatch loop scans the entries (dispatchInstructions)
        if (sc.pages.pending === 0) continue
        yield* kernel.sched.compute(thread, sc.switchCycles)
        yield* sc.serve(thread)
        // a handler blocked on this thread and a take-over thread became the carrier (M-on-N)
        if (this.carrier && this.carrier.kthread !== thread) return
        yield* kernel.sched.compute(thread, sc.switchCycles)
      } else {
        // the caller inspects the entries itself to decide whether to wake the remote thread and sleep
        yield* kernel.sched.compute(thread, computeCycles(kernel.params, fp.waitInstructions, fp.hotLoopIpc))
        yield* sc.wakeRemote(thread)
      }
    }
    const done = until ?? (drain ? null : anyDone)
    if (done === null || done()) {
      if (anyDone()) this.stats.waitsSatisfied++
    } else {
      while (!done()) {
        const sleep = new Wakeup<true>(kernel.sim)
        this.waiter.sleep = sleep
        yield* kernel.sched.block(thread, sleep.wait())
        this.waiter.sleep = null
      }
    }
    yield* kernel.sched.compute(thread, trapExit(kernel.params))
  }

  /**
   * clone(): a trap (as native). The first one turns the process into FlexSC-Threads (M-on-N):
   * this thread and the new one become user threads carried by one kernel thread per core.
   */
  override *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const {kernel} = this
    const fprocess = this.fprocess
    if (!this.uthread) {
      // the caller's own kernel thread gives its CPU to its core's carrier and stays its identity
      const core = this.thread.cpu ?? this.thread.lastCpu ?? kernel.sched.cpus[0]
      const ct = fprocess.threadsOn(core)
      kernel.sched.release(this.thread)
      this.uthread = new FlexscUThread(this.thread, ct)
      this.carrier = ct
      yield* ct.arrive(this.uthread)
    }
    yield* kernel.sched.compute(this.kt, trapEntry(kernel.params) + kernelWork(kernel.params, kernel.params.syscalls.defaultFootprint) + trapExit(kernel.params))
    const child = kernel.createThread(this.thread.process, 'user', name)
    const ct = fprocess.threadsOn(fprocess.placeThread())
    const u = new FlexscUThread(child, ct)
    const sys = new FlexscLibC(fprocess, kernel, child, this.threadRunner)
    sys.userIpc = this.userIpc
    sys.carrier = ct
    sys.uthread = u
    this.threadRunner.start(kernel, child, asUserThread(sys, body), sys)
    return child.tid
  }

  override *joinThread(tid: number): Gen<number> {
    const u = this.uthread
    if (!u) return yield* super.joinThread(tid)
    const codes = this.fprocess.exitCodes
    if (!this.threadRunner.record(this.kernel, tid)) return -1
    yield* u.core.park(u, () => codes.has(tid))
    return codes.get(tid)!
  }
}

/**
 * `body`, ending as a FlexSC thread must: if it is a FlexSC-Threads user thread, its exit value is
 * recorded (joiners wake) and the carrier goes to the next ready thread; then `atEnd`.
 */
export function endingThread(sys: FlexscLibC, body: Program, atEnd: () => void = () => {}): Program {
  return function* (s) {
    let code = 0
    try {
      code = (yield* body(s)) ?? 0
      return code
    } catch (e) {
      if (e instanceof ThreadExit) code = e.code
      throw e
    } finally {
      const u = sys.uthread
      if (u) {
        sys.fprocess.threadEnded(u.tid, code)
        yield* u.core.leave(u)
      }
      atEnd()
    }
  }
}

/** A FlexSC-Threads user thread's program: mounted on its core's carrier first, then `endingThread`. */
export function asUserThread(sys: FlexscLibC, body: Program): Program {
  const ending = endingThread(sys, body)
  return function* (s) {
    const u = sys.uthread!
    yield* u.core.arrive(u)
    return yield* ending(s)
  }
}
