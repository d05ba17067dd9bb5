/**
 * The kernel side of FlexSC for one (process, core): that core's syscall pages and the syscall
 * threads that serve them. Only one syscall thread per process and core is active; when the active
 * one blocks inside a handler, another takes over the remaining entries (a real scheduler switch).
 *
 * Same-core placement: the thread that called flexsc_wait lends its CPU to the syscall thread (an
 * in-kernel stack switch, `switchInstructions` each way), so the model runs the syscall thread's
 * work on the caller's KThread. Remote placement: a syscall thread on another core sleeps until
 * flexsc_wait wakes it with an IPI, serves every submitted entry, and wakes the waiting callers.
 */
import {InvariantError} from '../../errors.js'
import {compute as computeCycles, ipi} from '../../machine/cost.js'
import {leaveFootprint} from '../dispatch/native.js'
import {after, spawn, Wakeup} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {CallContext} from '../syscalls/context.js'
import type {Gen, SyscallResult} from '../types.js'
import type {FlexscParams} from './params.js'
import {EntryStream, SyscallPageSet, Waiter, type SyscallEntry} from './syscall-page.js'
import {Act} from '../ledger.js'
import {FLOW} from '../flow.js'
export {Waiter} from './syscall-page.js'

/** Counters a run reports and tests read. */
export class FlexscStats {
  posts = 0
  waits = 0
  /** flexsc_wait calls that returned at once (a posted call was already done). */
  waitsSatisfied = 0
  /** Runs of a syscall thread over the submitted entries (one batch each). */
  batches = 0
  served = 0
  ipis = 0
  /** Callers asleep in flexsc_wait woken by a syscall thread on another core. */
  wakeups = 0
  /** A syscall thread blocked in a handler and another took over its core's entries. */
  handoffs = 0
  /** Posts that found the core's pages full and had to wait. */
  exhaustions = 0
}

export interface FlexscEnv {
  kernel: Kernel
  fp: FlexscParams & {syscallCores: number[]}
  stats: FlexscStats
  /** User IPC of the process (the indirect model's working set). */
  userIpc: number
}

/** Passes of the pooled syscall thread's loop at one simulated instant before it counts as a spin. */
const SPIN_LIMIT = 1000

/** What a take-over successor runs after the remaining entries (see SyscallCore.setTakeOverHook). */
export type TakeOverHook = (blocked: KThread, successor: KThread) => (() => Gen<void>) | null

export class SyscallCore {
  readonly pages: SyscallPageSet
  /** The syscall thread serving now (null: none). */
  active: KThread | null = null
  /** The pooled syscall thread on `execCore` (remote placement), and its sleep. */
  private remote: KThread | null = null
  private remoteSleep: Wakeup<true> | null = null
  private ipiInFlight = false
  /** The remote syscall thread is awake (serving): new entries need no IPI. */
  private remoteAwake = false
  private readonly stream: EntryStream
  /** Syscall threads created for this core (the remote one and take-overs). */
  threadsCreated = 0
  /** See setTakeOverHook. */
  private takeOverHook: TakeOverHook | null = null

  constructor(
    readonly env: FlexscEnv,
    readonly proc: KProcess,
    /** The core whose pages these are (where the callers post). */
    readonly core: number,
    /** Where the syscall threads run: `core` itself, or a remote core. */
    readonly execCore: number,
  ) {
    const fp = env.fp
    this.pages = new SyscallPageSet(env.kernel.params, fp.entriesPerPage * fp.pagesPerCore)
    this.stream = new EntryStream(fp.lineFillBuffers)
  }

  get sameCore(): boolean {
    return this.execCore === this.core
  }

  private hot(instructions: number): number {
    return computeCycles(instructions, this.env.fp.hotLoopIpc)
  }

  /** The in-kernel switch between a flexsc_wait caller and a syscall thread on its core. */
  get switchCycles(): number {
    return this.hot(this.env.fp.switchInstructions)
  }

  /**
   * Serve submitted entries on thread `x` (holding a CPU) until none is left, or until another
   * syscall thread has taken over because `x` blocked in a handler. `owed`: wake-ups of callers
   * whose entries a blocked predecessor finished (inherited on take-over, so they are not held
   * back until the predecessor's handler returns).
   */
  *serve(x: KThread, owed: Set<Waiter> = new Set()): Gen<void> {
    const {kernel, stats} = this.env
    if (this.active !== null && this.active !== x) return
    this.active = x
    stats.batches++
    // while it serves, x is this core's syscall thread (same core: the caller lending its CPU) and
    // bound to the core like one: a handler that blocks resumes there, not on an idle core
    const sched = kernel.sched
    const ownPin = sched.pinnedTo(x)
    if (ownPin !== this.execCore) sched.pin(x, this.execCore)
    try {
      yield* this.serveAs(x, owed)
    } finally {
      if (ownPin === null) sched.unpin(x)
      else if (ownPin !== this.execCore) sched.pin(x, ownPin)
    }
  }

  private *serveAs(x: KThread, owed: Set<Waiter>): Gen<void> {
    const {kernel, stats} = this.env
    // wake-ups owed to callers whose entries are done; handed to a take-over thread if x blocks
    const finished = {waiters: owed}
    for (const w of finished.waiters) yield* this.wakeWaiter(x, w)
    finished.waiters = new Set()
    for (;;) {
      if (this.active !== x) break
      const e = this.pages.claim()
      if (!e) break
      const core = x.cpu ?? this.execCore
      kernel.flows.stepOf('serve', FLOW.syscallPage, e, x)
      const bill = x.bill().add(Act.kernel, this.hot(this.env.fp.dispatchInstructions))
      yield* kernel.sched.computeBill(x, bill.add(Act.queue, this.stream.cost(e.index, e.line.write(core))))
      const result = yield* this.runEntry(x, e, finished)
      kernel.flows.stepOf('served', FLOW.syscallPage, e, x)
      e.line.write(x.cpu ?? core)
      if (e.waiter) finished.waiters.add(e.waiter)
      this.pages.complete(e, result)
      stats.served++
    }
    if (this.active === x) this.active = null
    // callers asleep in flexsc_wait are woken once the batch is over (or this thread lost the core)
    for (const w of finished.waiters) yield* this.wakeWaiter(x, w)
  }

  /**
   * The handler of one entry; if it blocks, a fresh syscall thread takes over this core's entries
   * and the wake-ups `finished` owes so far.
   */
  private *runEntry(x: KThread, e: SyscallEntry, finished: {waiters: Set<Waiter>}): Gen<SyscallResult> {
    const {kernel} = this.env
    const ctx: CallContext = {kernel, thread: x, process: this.proc, name: e.name!}
    const g = kernel.invoke(ctx, e.name!, e.args as never)
    let input: unknown
    for (;;) {
      const r = g.next(input)
      if (r.done) {
        leaveFootprint(kernel, x, e.name!, this.env.userIpc)
        return r.value
      }
      if (x.state === 'blocked' && this.active === x) {
        this.takeOver(x, finished.waiters)
        finished.waiters = new Set()
      }
      input = yield r.value
    }
  }

  /**
   * FlexSC-Threads' port into take-overs: told when a handler blocks on `blocked` and `successor`
   * takes over, it says what the successor runs once it has served the remaining entries instead of
   * ending (the carrier's M-on-N scheduler, when the blocked handler was a carrier), or null.
   */
  setTakeOverHook(hook: TakeOverHook): void {
    if (this.takeOverHook) throw new InvariantError(`flexsc: core ${this.core} has a take-over hook already`)
    this.takeOverHook = hook
  }

  private takeOver(blocked: KThread, owed: Set<Waiter>): void {
    this.env.stats.handoffs++
    const t = this.newSyscallThread('syscall-takeover')
    this.active = t
    const then = this.takeOverHook?.(blocked, t) ?? null
    const self = this
    const sched = this.env.kernel.sched
    spawn(
      this.env.kernel.sim,
      (function* () {
        yield* sched.acquire(t)
        // taking over is a full schedule(): the blocked thread's CPU goes to this one
        yield* self.serve(t, owed)
        if (then) return yield* then()
        yield* self.serveLeftovers(t)
        sched.exit(t)
      })(),
      `flexsc-takeover-${this.proc.pid}/${this.core}`,
    )
  }

  /** Entries posted while `t` woke its callers and no other thread is serving: `t` serves them too. */
  private *serveLeftovers(t: KThread): Gen<void> {
    while (this.pages.pending > 0 && this.active === null) yield* this.serve(t)
  }

  /**
   * try_to_wake_up of a caller asleep in flexsc_wait (waker side, on x's core); a caller whose
   * core is another one (it idles there) is running again only after the reschedule IPI arrives.
   */
  private *wakeWaiter(x: KThread, w: Waiter): Gen<void> {
    const sleep = w.sleep
    if (!sleep || sleep.fired) return
    this.env.stats.wakeups++
    const {kernel} = this.env
    yield* kernel.sched.compute(x, kernel.params.cpu.wakeup, Act.kernel)
    // (another waker may have got there during try_to_wake_up: firing twice is harmless)
    const callerCore = w.thread.cpu ?? w.thread.lastCpu
    if (callerCore === null || callerCore === x.cpu) {
      sleep.fire(true)
      return
    }
    this.env.stats.ipis++
    after(kernel.sim, ipi(kernel.params), () => sleep.fire(true))
  }

  private newSyscallThread(name: string): KThread {
    const t = this.env.kernel.createThread(this.proc, 'kernel', `${name}-${this.core}`)
    // a kernel thread of the process that the runner must not count as one of its own threads
    this.proc.threads.delete(t)
    // FlexSC's syscall threads are bound to their core (the caller's, or the listed remote one)
    this.env.kernel.sched.pin(t, this.execCore)
    this.threadsCreated++
    return t
  }

  /**
   * flexsc_wait on a remote placement: if this core's syscall thread sleeps, the caller wakes it
   * (try_to_wake_up on the caller's core, then a reschedule IPI to the syscall thread's idle core).
   */
  *wakeRemote(caller: KThread): Gen<void> {
    if (this.sameCore) return
    if (!this.remote) {
      this.remote = this.newSyscallThread('syscall')
      this.remoteSleep = new Wakeup<true>(this.env.kernel.sim)
      spawn(this.env.kernel.sim, this.remoteLoop(this.remote), `flexsc-syscall-${this.proc.pid}/${this.execCore}`)
    }
    // a syscall thread is serving: it picks the new entries up
    if (this.active !== null || this.ipiInFlight) return
    const {kernel} = this.env
    if (this.remoteAwake) {
      // the pooled thread is blocked in a handler and its take-over has finished: wake another
      this.ipiInFlight = true
      yield* kernel.sched.compute(caller, kernel.params.cpu.wakeup, Act.ipi)
      this.env.stats.ipis++
      after(kernel.sim, ipi(kernel.params), () => {
        this.ipiInFlight = false
        this.spawnServer()
      })
      return
    }
    if (!this.remoteSleep || this.remoteSleep.fired) return
    this.ipiInFlight = true
    yield* kernel.sched.compute(caller, kernel.params.cpu.wakeup, Act.ipi)
    this.env.stats.ipis++
    const sleep = this.remoteSleep
    after(kernel.sim, ipi(kernel.params), () => {
      this.ipiInFlight = false
      sleep.fire(true)
    })
  }

  /** Another syscall thread on the remote core serves what is submitted, then ends. */
  private spawnServer(): void {
    const t = this.newSyscallThread('syscall-extra')
    const sched = this.env.kernel.sched
    spawn(
      this.env.kernel.sim,
      (function* (self: SyscallCore) {
        yield* sched.acquire(t)
        yield* self.serveLeftovers(t)
        sched.exit(t)
      })(this),
      `flexsc-extra-${this.proc.pid}/${this.execCore}`,
    )
  }

  private *remoteLoop(t: KThread): Gen<void> {
    const sched = this.env.kernel.sched
    const sim = this.env.kernel.sim
    // a pass that serves nothing takes no simulated time: many in a row at one instant is a spin
    let spinAt = -1
    let spins = 0
    for (;;) {
      if (sim.now !== spinAt) {
        spinAt = sim.now
        spins = 0
      } else if (++spins > SPIN_LIMIT) {
        throw new InvariantError(
          `flexsc pid ${this.proc.pid} core ${this.core}: syscall thread ${t.tid}
          went round ${spins} times at cycle ${spinAt} without time passing`,
        )
      }
      const sleep = this.remoteSleep!
      yield* sched.block(t, sleep.wait())
      this.remoteSleep = new Wakeup<true>(this.env.kernel.sim)
      this.remoteAwake = true
      if (this.proc.exited) {
        sched.exit(t)
        return
      }
      yield* this.serve(t)
      this.remoteAwake = false
      // entries left and no one serving (posted while t woke its callers): go round again. If a
      // take-over is the active thread (t blocked in a handler and has just finished its entry),
      // that one serves the rest and t sleeps: one active syscall thread per process and core.
      if (this.pages.pending > 0 && this.active === null) this.kickSelf()
    }
  }

  /** Entries arrived while no thread was the active one: go round again without an IPI. */
  private kickSelf(): void {
    this.remoteSleep?.fire(true)
  }

  /** The process is gone: the pooled syscall thread ends. */
  shutdown(): void {
    this.remoteSleep?.fire(true)
  }
}
