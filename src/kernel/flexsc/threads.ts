/**
 * FlexSC-Threads (Soares & Stumm, "FlexSC: Flexible System Call Scheduling with Exception-Less
 * System Calls", OSDI 2010): M-on-N user threads, one kernel thread per core carrying them, private
 * per-core syscall pages. The libc wrapper posts an entry and switches to another ready user thread
 * of the core (cpu.userThreadSwitch, no trap); with none ready it checks the core's parked threads
 * for completed calls, and only as a last resort calls flexsc_wait.
 *
 * A user thread keeps its own KThread as its identity (tid, join, the runner's bookkeeping) but
 * never holds a CPU with it: everything it runs is charged to its core's carrier KThread. The
 * scheduling logic runs in whichever user thread gives the carrier up (or in a take-over thread,
 * below), so there is no separate scheduler actor.
 *
 * On the same core a flexsc_wait lends the carrier's CPU to the syscall thread (syscall-core.ts);
 * if a handler then blocks, the carrier role moves to the take-over syscall thread (the blocked
 * one is a syscall thread now), so the other user threads keep running.
 *
 * Invariant (per core): exactly one generator drives the carrier KThread at a time, named by
 * `owner` (see Owner); only that generator computes on `kthread` or starts a scheduler pass, so
 * there is one pass at a time and at most one mounted thread. Every hand-over goes through `become`,
 * which checks the transition. A take-over thread that lost the carrier role while it still served
 * entries (its handler blocked too) is no longer the carrier's: it ends instead of scheduling.
 */
import {InvariantError} from '../../errors.js'
import {compute as computeCycles} from '../../machine/cost.js'
import {spawn, TIMED_OUT, Wakeup} from '../engine.js'
import type {KThread} from '../process.js'
import type {Gen} from '../types.js'
import type {FlexscLibC} from './library.js'
import type {FlexscProcess} from './process.js'
import {Waiter} from './syscall-page.js'
import {Act} from '../ledger.js'

/** A FlexSC-Threads user thread. */
export class FlexscUThread {
  /** Fired when a carrier mounts it; null while it runs or sits on the ready queue. */
  mount: Wakeup<true> | null = null
  /** While parked: what it waits for (its posted calls done, a joined thread gone). */
  until: (() => boolean) | null = null
  constructor(
    readonly identity: KThread,
    readonly core: CoreThreads,
  ) {}
  get tid(): number {
    return this.identity.tid
  }
}

/** Counters of the M-on-N scheduler of one process (tests read them). */
export class ThreadStats {
  /** User-level switches between user threads of a core (no trap). */
  switches = 0
  /** Scans of parked threads for completed calls. */
  scans = 0
  /** flexsc_wait calls made because no user thread was ready. */
  waits = 0
  /** Times the carrier role moved to a take-over syscall thread. */
  carrierMoves = 0
}

/**
 * Who drives the carrier KThread:
 *  - idle: no one; the carrier holds no CPU (a thread made ready is mounted at once);
 *  - thread: the mounted user thread (`running`);
 *  - pass: one scheduler pass (run by the thread giving the carrier up, the carrier's loop after
 *    flexsc_wait, or a take-over thread that has become the carrier);
 *  - wait: the carrier's loop, in flexsc_wait (possibly serving entries on the carrier's CPU);
 *  - handoff: a handler blocked in that flexsc_wait; the take-over thread (now `kthread`) serves
 *    the remaining entries, then runs a pass.
 */
type Owner = 'idle' | 'thread' | 'pass' | 'wait' | 'handoff'

/** The transitions `become` allows: to <- from. */
const FROM: Record<Owner, readonly Owner[]> = {
  idle: ['pass'],
  thread: ['idle', 'pass'],
  pass: ['thread', 'wait', 'handoff'],
  wait: ['pass'],
  // a take-over thread can block in a handler too: the role moves on again
  handoff: ['wait', 'handoff'],
}

/** The user threads of one process on one core, and the kernel thread carrying them. */
export class CoreThreads {
  /** The kernel thread carrying this core's user threads now. */
  kthread: KThread
  /** The thread that sleeps in flexsc_wait: entries posted here wake it. */
  readonly waiter: Waiter
  /** Library state for flexsc_wait and posting on the carrier (its thread follows `kthread`). */
  readonly lib: FlexscLibC
  running: FlexscUThread | null = null
  readonly ready: FlexscUThread[] = []
  readonly parked = new Set<FlexscUThread>()
  /** The one generator driving `kthread` now (the invariant above). */
  private owner: Owner = 'idle'
  private loopWake: Wakeup<true> | null = null
  private closed = false

  constructor(
    readonly fprocess: FlexscProcess,
    readonly core: number,
    makeLib: (ct: CoreThreads, kthread: KThread) => FlexscLibC,
  ) {
    const kernel = fprocess.env.kernel
    const t = kernel.createThread(fprocess.proc, 'user', `flexsc-carrier-${core}`)
    // a kernel thread of the process the runner must not count as one of its own threads
    fprocess.proc.threads.delete(t)
    kernel.sched.pin(t, core) // FlexSC-Threads: one pinned kernel thread per core
    this.kthread = t
    this.waiter = new Waiter(t)
    this.lib = makeLib(this, t)
    spawn(kernel.sim, this.loop(t), `flexsc-carrier-${fprocess.proc.pid}/${core}`)
  }

  private get stats(): ThreadStats {
    return this.fprocess.threadStats
  }

  /** Who drives the carrier now (tests and invariant checks read it). */
  get carrierOwner(): Owner {
    return this.owner
  }

  /** Hand the carrier to `to`; throws if the current owner may not hand it there. */
  private become(to: Owner): void {
    if (!FROM[to].includes(this.owner)) {
      throw new InvariantError(`flexsc carrier of core ${this.core}: ${this.owner} -> ${to} (one driver at a time)`)
    }
    this.owner = to
    if (to !== 'thread') this.running = null
  }

  /** `u` must be the mounted thread driving the carrier. */
  private expectMounted(u: FlexscUThread, what: string): void {
    if (this.owner !== 'thread' || this.running !== u) {
      throw new InvariantError(
        `flexsc thread ${u.tid} ${what} without the carrier
        (carrier: ${this.owner}, mounted: ${this.running?.tid ?? 'none'})`,
      )
    }
  }

  /** A user thread of this core is runnable (new, or woken from outside the core's scheduler). */
  makeReady(u: FlexscUThread): void {
    this.parked.delete(u)
    u.until = null
    if (this.owner === 'idle') {
      this.mount(u)
      return
    }
    // whoever drives the carrier now sees the ready queue before it gives the carrier up
    this.ready.push(u)
    if (this.owner === 'wait') this.waiter.sleep?.fire(true)
  }

  private mount(u: FlexscUThread): void {
    this.become('thread')
    this.running = u
    const m = u.mount
    u.mount = null
    m?.fire(true)
  }

  /** `u` (mounted) waits for `until`: the carrier runs others meanwhile; returns when `u` runs again. */
  *park(u: FlexscUThread, until: () => boolean): Gen<void> {
    this.expectMounted(u, 'parks')
    if (until()) return
    u.until = until
    this.parked.add(u)
    yield* this.schedule(u)
  }

  /** `u` (mounted) goes to the back of the ready queue (sched_yield). */
  *yieldTo(u: FlexscUThread): Gen<void> {
    this.expectMounted(u, 'yields')
    if (this.ready.length === 0) return
    this.ready.push(u)
    yield* this.schedule(u)
  }

  /** The mounted user thread ends: hand the carrier on. */
  *leave(u: FlexscUThread): Gen<void> {
    // a thread can end unmounted only when the process is being torn down
    if (this.running !== u) return
    this.expectMounted(u, 'leaves')
    yield* this.schedule(null)
  }

  /** A newly placed user thread waits to be mounted. */
  *arrive(u: FlexscUThread): Gen<void> {
    u.mount = new Wakeup<true>(this.fprocess.env.kernel.sim)
    const m = u.mount
    this.makeReady(u)
    if (this.running !== u) yield* this.waitMount(u, m)
  }

  private *waitMount(u: FlexscUThread, m: Wakeup<true>): Gen<void> {
    const r = yield* m.wait()
    if (r === TIMED_OUT) throw new InvariantError('flexsc mount timed out')
    if (this.running !== u) throw new InvariantError(`flexsc thread ${u.tid} woken without the carrier`)
  }

  /**
   * The carrier's scheduler pass, run by the carrier's current driver: `from` (the mounted thread
   * giving the carrier up), a thread that has ended (null), the carrier's loop after flexsc_wait
   * or the take-over thread that became the carrier (null). Mounts the next ready thread; with
   * none ready checks the parked ones; with none done asks the carrier's loop to flexsc_wait; with
   * nothing in flight the carrier idles. Returns when `from` runs again (at once if `from` is null).
   */
  private *schedule(from: FlexscUThread | null): Gen<void> {
    const {kernel, fp} = this.fprocess.env
    const sched = kernel.sched
    let myMount: Wakeup<true> | null = null
    if (from) from.mount = myMount = new Wakeup<true>(kernel.sim)
    this.become('pass')
    for (;;) {
      const next = this.ready.shift()
      if (next) {
        if (next === from) {
          from.mount = null
          this.become('thread')
          this.running = from
          return
        }
        this.stats.switches++
        // the user-level switch (registers and stack) is paid by whoever runs next, on the carrier
        this.mount(next)
        break
      }
      // none ready: check the parked threads for completed calls (one pass over their entries)
      if (this.parked.size > 0) {
        this.stats.scans++
        yield* sched.compute(
          this.kthread,
          computeCycles(fp.harvestInstructions * this.parked.size, fp.hotLoopIpc),
          Act.library,
        )
        for (const u of [...this.parked]) {
          if (u.until?.()) {
            this.parked.delete(u)
            u.until = null
            this.ready.push(u)
          }
        }
        if (this.ready.length > 0) continue
      }
      if (this.parked.size > 0 && this.fprocess.pendingFor(this.waiter)) {
        // last resort: the carrier's loop calls flexsc_wait (not this thread: if a handler blocks
        // on the carrier's CPU, the thread that asked must still be able to run again)
        this.become('wait')
        this.loopWake?.fire(true)
      } else {
        // nothing to run and no call in flight here: the carrier idles until a thread is made ready
        this.become('idle')
        sched.release(this.kthread)
      }
      break
    }
    if (from && myMount) {
      yield* this.waitMount(from, myMount)
      yield* sched.compute(this.kthread, kernel.params.cpu.userThreadSwitch, Act.switch)
    }
  }

  /**
   * The carrier kernel thread's own loop: when the scheduler finds nothing to run, flexsc_wait
   * until a parked thread's call is done or a thread is made ready, then schedule again.
   */
  private *loop(me: KThread): Gen<void> {
    for (;;) {
      if (this.kthread !== me || this.closed) return
      if (this.owner !== 'wait') {
        this.loopWake = new Wakeup<true>(this.fprocess.env.kernel.sim)
        yield* this.loopWake.wait()
        this.loopWake = null
        continue
      }
      this.stats.waits++
      yield* this.lib.flexscWait([], true, () => this.ready.length > 0 || this.anyParkedDone() || this.closed)
      if (this.kthread !== me) {
        // a handler blocked on `me` while it lent its CPU: the take-over thread carries on
        this.fprocess.env.kernel.sched.exit(me)
        return
      }
      if (this.closed) return
      yield* this.schedule(null)
    }
  }

  private anyParkedDone(): boolean {
    for (const u of this.parked) if (u.until?.()) return true
    return false
  }

  /**
   * A handler blocked on `blocked` while it served entries with the carrier's CPU: if it was the
   * carrier, the role moves to `successor` (the take-over syscall thread), which runs the
   * scheduler once it has served the remaining entries. Null: not the carrier.
   */
  carrierBlocked(blocked: KThread, successor: KThread): (() => Gen<void>) | null {
    if (blocked !== this.kthread) return null
    // only flexsc_wait serves entries on the carrier (the loop's, or a take-over still serving)
    this.become('handoff')
    this.stats.carrierMoves++
    this.kthread = successor
    this.waiter.thread = successor
    this.fprocess.env.kernel.sched.pin(successor, this.core)
    const self = this
    return function* () {
      if (self.kthread !== successor || self.closed) {
        // its own handler blocked while it served and the role moved on: a plain syscall thread now
        self.fprocess.env.kernel.sched.exit(successor)
        return
      }
      yield* self.schedule(null)
      yield* self.loop(successor)
    }
  }

  /** The process is gone: the carrier gives its CPU back. */
  shutdown(): void {
    this.closed = true
    this.loopWake?.fire(true)
    this.waiter.sleep?.fire(true)
    this.fprocess.env.kernel.sched.exit(this.kthread)
  }
}
