/**
 * The FlexSC C library: a call is posted to the syscall page of the caller's core (exceptionless)
 * and collected after flexsc_wait; `batch` posts several calls before one wait (FlexSC's batching);
 * exit, exec and sched_yield still trap (they act on the calling thread itself). One kernel, no
 * domains: buffers stay where they are (the syscall thread runs in the caller's address space).
 */
import {compute as computeCycles, kernelWork, trapEntry, trapExit} from '../../machine/cost.js'
import {NativeLibC, userCompute} from '../dispatch/native.js'
import type {Kernel} from '../kernel.js'
import type {KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program, SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import type {SyscallCore} from './syscall-core.js'
import type {FlexscStats} from './syscall-core.js'
import {EntryStream, Waiter, type SyscallEntry} from './syscall-page.js'
import {FlexscUThread, type CoreThreads} from './threads.js'
import type {FlexscProcess} from './process.js'
import {batchCalls} from './batch.js'
import {flexscWait} from './wait.js'
import {Act} from '../ledger.js'
import {FLOW} from '../flow.js'

/** Calls that act on the calling thread itself: they keep the synchronous trap. */
const TRAPS: ReadonlySet<SyscallName> = new Set<SyscallName>(['exit', 'exec', 'sched_yield'])

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
  get waiter(): Waiter {
    return this.carrier ? this.carrier.waiter : this.ownWaiter
  }

  get stats(): FlexscStats {
    return this.fprocess.env.stats
  }

  private userCycles(instructions: number): number {
    return computeCycles(instructions, this.userIpc)
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
      yield* kernel.sched.compute(this.kt, trapEntry(kernel.params), Act.trap)
      const result = yield* kernel.invoke({kernel, thread: this.kt, process: proc, name}, name, args)
      yield* kernel.sched.compute(this.kt, trapExit(kernel.params), Act.trap)
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
   * Post every call, wait until all are done (flexsc_wait as needed), collect the results in order
   * (batch.ts).
   */
  batch(calls: readonly (readonly [SyscallName, SyscallArgs])[]): Gen<SyscallResult[]> {
    return batchCalls(this, calls)
  }

  /** flexsc_wait (wait.ts): returns once one of `posted` is done; `drain` / `until` as there. */
  flexscWait(posted: readonly PostedCall[], drain = false, until?: () => boolean): Gen<void> {
    return flexscWait(this, posted, drain, until)
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
    kernel.flows.submit(FLOW.syscallPage, entry, thread)
    const bill = thread.bill().add(Act.library, this.userCycles(this.fprocess.env.fp.postInstructions))
    yield* kernel.sched.computeBill(
      thread,
      bill.add(Act.queue, this.stream.cost(entry.index, entry.line.write(thread.cpu!))),
    )
    return {entry, pages: sc}
  }

  /** Read a done entry's return value and free it. */
  *harvest(p: PostedCall): Gen<SyscallResult> {
    const {kernel} = this
    const thread = this.kt
    yield* kernel.sched.acquire(thread)
    kernel.flows.stepOf('complete', FLOW.syscallPage, p.entry, thread)
    const bill = thread.bill().add(Act.library, this.userCycles(this.fprocess.env.fp.harvestInstructions))
    yield* kernel.sched.computeBill(
      thread,
      bill.add(Act.queue, this.stream.cost(p.entry.index, p.entry.line.write(thread.cpu!))),
    )
    return p.pages.pages.release(p.entry)
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
    const p = kernel.params
    const bill = this.kt
      .bill()
      .add(Act.trap, trapEntry(p))
      .add(Act.handlerCold, kernelWork(p, p.syscalls.defaultFootprint))
    yield* kernel.sched.computeBill(this.kt, bill.add(Act.trap, trapExit(p)))
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
