/**
 * The FlexSC C library: a call is posted to the syscall page of the caller's core (exceptionless)
 * and collected after flexsc_wait; `batch` posts several calls before one wait (FlexSC's batching);
 * exit, exec and sched_yield still trap (they act on the calling thread itself). One kernel, no
 * domains: buffers stay where they are (the syscall thread runs in the caller's address space).
 */
import {compute as computeCycles, kernelWork, trapEntry, trapExit} from '../../machine/cost.js'
import {NativeLibC} from '../dispatch/native.js'
import {Wakeup} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program, SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import type {FlexscEnv, SyscallCore} from './syscall-core.js'
import {SyscallCore as Core, FlexscStats} from './syscall-core.js'
import {EntryStream, Waiter, type SyscallEntry} from './syscall-page.js'

/** Calls that act on the calling thread itself: they keep the synchronous trap. */
const TRAPS: ReadonlySet<SyscallName> = new Set<SyscallName>(['exit', 'exec', 'sched_yield'])

/** FlexSC's per-process state: the syscall pages and threads of each core it posted on. */
export class FlexscProcess {
  readonly cores = new Map<number, SyscallCore>()
  constructor(readonly env: FlexscEnv, readonly proc: KProcess) {}

  /** The pages of `userCore` (created on first use, as flexsc_register maps them). */
  coreFor(userCore: number): SyscallCore {
    let sc = this.cores.get(userCore)
    if (!sc) this.cores.set(userCore, (sc = new Core(this.env, this.proc, userCore, this.execCoreOf(userCore))))
    return sc
  }

  private execCoreOf(userCore: number): number {
    const fp = this.env.fp
    if (fp.placement === 'same-core') return userCore
    const list = fp.syscallCores.filter((c) => c !== userCore)
    if (list.length > 0) return list[0]
    const cpus = this.env.kernel.sched.cpus
    return cpus.find((c) => c !== userCore) ?? userCore
  }

  shutdown(): void {
    for (const sc of this.cores.values()) sc.shutdown()
  }
}

/** A posted call: its entry and the pages it sits in. */
export interface PostedCall {
  readonly entry: SyscallEntry
  readonly pages: SyscallCore
}

export class FlexscLibC extends NativeLibC {
  private readonly waiter: Waiter
  /** This thread's walk over entries it posts and harvests (sequential streams overlap misses). */
  private readonly stream: EntryStream

  constructor(
    readonly fprocess: FlexscProcess,
    kernel: Kernel,
    thread: KThread,
    private readonly threadRunner: ThreadRunner,
  ) {
    super(kernel, thread, threadRunner)
    this.waiter = new Waiter(thread)
    this.stream = new EntryStream(fprocess.env.fp.lineFillBuffers)
  }

  private get stats(): FlexscStats {
    return this.fprocess.env.stats
  }

  private userCycles(instructions: number): number {
    return computeCycles(this.kernel.params, instructions, this.userIpc)
  }

  override *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    if (TRAPS.has(name)) return yield* super.call(name, args)
    const [r] = yield* this.batch([[name, args]])
    return r
  }

  /**
   * Post every call, wait until all are done (flexsc_wait as needed), collect the results in order.
   * When the core's entries run out, the done ones are collected first to free them.
   */
  *batch(calls: readonly (readonly [SyscallName, SyscallArgs])[]): Gen<SyscallResult[]> {
    const proc = this.thread.process
    if (proc.exiting) throw new ThreadExit(proc.exitStatus)
    const results: SyscallResult[] = new Array(calls.length)
    let open: {p: PostedCall; i: number}[] = []
    const collect = function* (this: FlexscLibC, all: boolean): Gen<void> {
      while (open.length > 0 && (all || !open.some((o) => o.p.entry.status === 'done'))) {
        if (open.some((o) => o.p.entry.status !== 'done')) yield* this.flexscWait(open.map((o) => o.p))
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

  /** Write one entry of this core's pages (arguments, then `submitted`); null when every entry is in use. */
  *post<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<PostedCall | null> {
    const {kernel, thread} = this
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
    const {kernel, thread} = this
    yield* kernel.sched.acquire(thread)
    yield* kernel.sched.compute(thread, this.userCycles(this.fprocess.env.fp.harvestInstructions) + this.stream.cost(p.entry.index, p.entry.line.write(thread.cpu!)))
    return p.pages.pages.release(p.entry)
  }

  /**
   * flexsc_wait: returns once one of `posted` is done (checked in user space first). In the
   * kernel it runs the syscall thread of a same-core placement on this CPU, or wakes the remote
   * one with an IPI, and sleeps until a syscall thread wakes it. `drain`: wait for any progress.
   */
  *flexscWait(posted: readonly PostedCall[], drain = false): Gen<void> {
    const {kernel, thread} = this
    const anyDone = () => posted.some((p) => p.entry.status === 'done')
    if (!drain && anyDone()) return
    const fp = this.fprocess.env.fp
    this.stats.waits++
    yield* kernel.sched.compute(thread, trapEntry(kernel.params))
    const cores = drain ? [...this.fprocess.cores.values()] : [...new Set(posted.filter((p) => p.entry.status !== 'done').map((p) => p.pages))]
    for (const sc of cores) {
      if (sc.sameCore) {
        // no entry check of its own: switching to the syscall thread is the whole decision, and
        // the syscall thread's dispatch loop scans the entries (dispatchInstructions)
        if (sc.pages.pending === 0) continue
        yield* kernel.sched.compute(thread, sc.switchCycles)
        yield* sc.serve(thread)
        yield* kernel.sched.compute(thread, sc.switchCycles)
      } else {
        // the caller inspects the entries itself to decide whether to wake the remote thread and sleep
        yield* kernel.sched.compute(thread, computeCycles(kernel.params, fp.waitInstructions, fp.hotLoopIpc))
        yield* sc.wakeRemote(thread)
      }
    }
    if (drain || anyDone()) {
      if (anyDone()) this.stats.waitsSatisfied++
    } else {
      while (!anyDone()) {
        const sleep = new Wakeup<true>(kernel.sim)
        this.waiter.sleep = sleep
        yield* kernel.sched.block(thread, sleep.wait())
        this.waiter.sleep = null
      }
    }
    yield* kernel.sched.compute(thread, trapExit(kernel.params))
  }

  /** clone(): a trap (as native), then the new thread posts to the pages of whatever core it runs on. */
  override *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const {kernel, thread} = this
    yield* kernel.sched.compute(thread, trapEntry(kernel.params) + kernelWork(kernel.params, kernel.params.syscalls.defaultFootprint) + trapExit(kernel.params))
    const child = kernel.createThread(thread.process, 'user', name)
    const sys = new FlexscLibC(this.fprocess, kernel, child, this.threadRunner)
    sys.userIpc = this.userIpc
    this.threadRunner.start(kernel, child, body, sys)
    return child.tid
  }
}
