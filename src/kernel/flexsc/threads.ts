/**
 * FlexSC-Threads (Soares & Stumm, OSDI 2010; shared/paper/flexsc.md): M-on-N user threads, one
 * kernel thread per core carrying them, private per-core syscall pages. The libc wrapper posts an
 * entry and switches to another ready user thread of the core (cpu.userThreadSwitch, no trap);
 * with none ready it checks the core's parked threads for completed calls, and only as a last
 * resort calls flexsc_wait.
 *
 * A user thread keeps its own KThread as its identity (tid, join, the runner's bookkeeping) but
 * never holds a CPU with it: everything it runs is charged to its core's carrier KThread. The
 * scheduling logic runs in whichever user thread gives the carrier up (or in a take-over thread,
 * below), so there is no separate scheduler actor.
 *
 * On the same core a flexsc_wait lends the carrier's CPU to the syscall thread (syscall-core.ts);
 * if a handler then blocks, the carrier role moves to the take-over syscall thread (the blocked
 * one is a syscall thread now), so the other user threads keep running.
 */
import {InvariantError} from '../../errors.js'
import {compute as computeCycles} from '../../machine/cost.js'
import {spawn, TIMED_OUT, Wakeup} from '../engine.js'
import type {KThread} from '../process.js'
import type {Gen} from '../types.js'
import type {FlexscLibC, FlexscProcess} from './library.js'
import {Waiter} from './syscall-page.js'

/** A FlexSC-Threads user thread. */
export class FlexscUThread {
  /** Fired when a carrier mounts it; null while it runs or sits on the ready queue. */
  mount: Wakeup<true> | null = null
  /** While parked: what it waits for (its posted calls done, a joined thread gone). */
  until: (() => boolean) | null = null
  constructor(readonly identity: KThread, readonly core: CoreThreads) {}
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
  /** Set while the carrier sleeps in flexsc_wait: a thread made ready from outside wakes it. */
  private waiting = false
  /** The scheduler holds the carrier (no thread may be mounted directly). */
  private busy = false
  /** The scheduler asked the carrier's loop to flexsc_wait. */
  private needWait = false
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
    t.lastCpu = core // the scheduler gives a thread its last core when that is idle
    this.kthread = t
    this.waiter = new Waiter(t)
    this.lib = makeLib(this, t)
    spawn(kernel.sim, this.loop(t), `flexsc-carrier-${fprocess.proc.pid}/${core}`)
  }

  private get stats(): ThreadStats {
    return this.fprocess.threadStats
  }

  /** A user thread of this core is runnable (new, or woken from outside the core's scheduler). */
  makeReady(u: FlexscUThread): void {
    this.parked.delete(u)
    u.until = null
    if (this.running === null && !this.busy) {
      this.mount(u)
      return
    }
    this.ready.push(u)
    if (this.waiting) this.waiter.sleep?.fire(true)
  }

  private mount(u: FlexscUThread): void {
    this.running = u
    const m = u.mount
    u.mount = null
    m?.fire(true)
  }

  /** `u` (mounted) waits for `until`: the carrier runs others meanwhile; returns when `u` runs again. */
  *park(u: FlexscUThread, until: () => boolean): Gen<void> {
    if (this.running !== u) throw new InvariantError(`flexsc thread ${u.tid} parks without the carrier`)
    if (until()) return
    u.until = until
    this.parked.add(u)
    yield* this.schedule(u)
  }

  /** `u` (mounted) goes to the back of the ready queue (sched_yield). */
  *yieldTo(u: FlexscUThread): Gen<void> {
    if (this.ready.length === 0) return
    this.ready.push(u)
    yield* this.schedule(u)
  }

  /** The mounted user thread ends: hand the carrier on. */
  *leave(u: FlexscUThread): Gen<void> {
    if (this.running === u) yield* this.schedule(null)
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
   * The carrier's scheduler, run by `from` (the thread giving the carrier up; null: one that has
   * ended, or the carrier's own loop). Mounts the next ready thread; with none ready checks the
   * parked ones; with none done asks the carrier's loop to flexsc_wait; with nothing in flight the
   * carrier idles. Returns when `from` runs again (at once if `from` is null).
   */
  *schedule(from: FlexscUThread | null): Gen<void> {
    const {kernel, fp} = this.fprocess.env
    const sched = kernel.sched
    let myMount: Wakeup<true> | null = null
    if (from) from.mount = myMount = new Wakeup<true>(kernel.sim)
    this.running = null
    this.busy = true
    for (;;) {
      const next = this.ready.shift()
      if (next) {
        this.busy = false
        if (next === from) {
          from.mount = null
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
        yield* sched.compute(this.kthread, computeCycles(kernel.params, fp.harvestInstructions * this.parked.size, fp.hotLoopIpc))
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
        this.needWait = true
        this.loopWake?.fire(true)
      } else {
        // nothing to run and no call in flight here: the carrier idles until a thread is made ready
        this.busy = false
        sched.release(this.kthread)
      }
      break
    }
    if (from && myMount) {
      yield* this.waitMount(from, myMount)
      yield* sched.compute(this.kthread, kernel.params.cpu.userThreadSwitch)
    }
  }

  /**
   * The carrier kernel thread's own loop: when the scheduler finds nothing to run, flexsc_wait
   * until a parked thread's call is done or a thread is made ready, then schedule again.
   */
  private *loop(me: KThread): Gen<void> {
    for (;;) {
      if (this.kthread !== me || this.closed) return
      if (!this.needWait) {
        this.loopWake = new Wakeup<true>(this.fprocess.env.kernel.sim)
        yield* this.loopWake.wait()
        this.loopWake = null
        continue
      }
      this.needWait = false
      this.stats.waits++
      this.waiting = true
      yield* this.lib.flexscWait([], true, () => this.ready.length > 0 || this.anyParkedDone() || this.closed)
      this.waiting = false
      if (this.kthread !== me) {
        // a handler blocked on `me` while it lent its CPU: the take-over thread carries on
        this.fprocess.env.kernel.sched.exit(me)
        return
      }
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
    this.stats.carrierMoves++
    this.kthread = successor
    this.waiter.thread = successor
    successor.lastCpu = this.core
    const self = this
    return function* () {
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
