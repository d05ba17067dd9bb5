/**
 * The primary side of one process under VirtuOS: the library's fd table, its M:N threads and the
 * per-process ready queue. User threads (UThread) run on kernel threads (Carrier, at most
 * kthreadsPerProcess). A user thread waiting for a remote call gives its carrier to another ready
 * user thread; a carrier with nothing to run spins `spinIterations` pauses on the ready queue, then
 * blocks in the primary kernel (rqueue_wait) until a worker's completion notifies it.
 *
 * Carriers are created lazily; one not created yet counts as asleep in rqueue_wait (in the release
 * all of them exist from the start and idle ones sleep there), so completions notify as they would.
 */
import {InvariantError} from '../../errors.js'
import {eventChannelSend, spin, trapEntry, trapExit, virqDelivery} from '../../machine/cost.js'
import {countInXen, xenTrapShare} from '../dispatch/pv.js'
import {after, spawn, TIMED_OUT, Wakeup} from '../engine.js'
import type {KProcess, KThread} from '../process.js'
import type {Gen} from '../types.js'
import {KWaitQueue} from '../waitqueue.js'
import {CacheLine} from './cache-line.js'
import type {VirtuosContext} from './context.js'
import {LibFdTable} from './fd-table.js'
import type {ServiceDomain} from './params.js'
import {ReadyQueue} from './ready-queue.js'
import {NIL} from './treiber.js'
import type {Request, RequestOwner} from './request.js'
import type {WorkerGroup} from './worker-group.js'
import {Act, type Bill} from '../ledger.js'

export class UThread {
  carrier: Carrier | null = null
  mount: Wakeup<Carrier> | null = null
  /** What it waits for while parked (null: it is on the ready queue or running). */
  waitingOn: string | null = null
  /** Per-domain eventfds for cross-domain poll (library fd slots are not used for them). */
  readonly eventFds = new Map<string, number>()
  constructor(
    readonly vp: VProcess,
    readonly slot: number,
    readonly identity: KThread,
  ) {}
  get tid(): number {
    return this.identity.tid
  }
}

export class Carrier {
  user: UThread | null = null
  freed: Wakeup<true> | null = null
  sleeping = false
  constructor(readonly thread: KThread) {}
}

export class VProcess implements RequestOwner {
  readonly fds: LibFdTable
  readonly rq: ReadyQueue
  readonly rqLine: CacheLine
  readonly ringLine: CacheLine
  readonly slots: (UThread | undefined)[]
  readonly carriers: Carrier[] = []
  readonly spinners = new Set<Wakeup<true>>()
  /** Carriers blocked in rqueue_wait. */
  readonly sleepQueue = new KWaitQueue()
  readonly groups = new Map<ServiceDomain, WorkerGroup>()
  /** Library futex waiters by address. */
  readonly futexWaiters = new Map<number, UThread[]>()
  /** Became multi-threaded: waits use M:N switching (else the single-threaded spin-on-entry path). */
  mn = false
  liveThreads = 0
  exited = false
  /** Incarnation of each service domain when this process registered (re-register after a restart). */
  readonly registeredIncarnation = new Map<ServiceDomain, number>()

  constructor(
    readonly ctx: VirtuosContext,
    readonly proc: KProcess,
    fds?: LibFdTable,
  ) {
    const v = ctx.vparams
    this.fds = fds ?? new LibFdTable(v.fdTableSlots)
    this.rq = new ReadyQueue(v.readyQueueEntries)
    this.rqLine = new CacheLine(ctx.params)
    this.ringLine = new CacheLine(ctx.params)
    this.slots = new Array(v.readyQueueEntries)
  }

  get pid(): number {
    return this.proc.pid
  }

  get dormant(): number {
    return this.ctx.vparams.kthreadsPerProcess - this.carriers.length
  }

  /** Kernel threads the completing worker must consider asleep (rqueue_wait, or never started). */
  get sleepingWaiters(): number {
    return this.rq.waiters + (this.mn ? this.dormant : 0)
  }

  newThread(name: string): UThread | null {
    const slot = this.slots.findIndex((s) => s === undefined)
    if (slot < 0) return null
    const identity = this.ctx.primary.createThread(this.proc, 'user', name)
    const u = new UThread(this, slot, identity)
    this.slots[slot] = u
    this.liveThreads++
    return u
  }

  endThread(u: UThread): void {
    this.slots[u.slot] = undefined
    this.liveThreads--
  }

  /** A new kernel thread for this process, running the carrier loop. */
  newCarrier(first?: UThread): Carrier {
    // a kernel thread of the process, but not one the runner ends the process with
    const t = this.ctx.primary.createThread(this.proc, 'user', `kthread-${this.carriers.length}`)
    this.proc.threads.delete(t)
    const c = new Carrier(t)
    this.carriers.push(c)
    if (first) this.mount(first, c)
    spawn(this.ctx.sim, this.carrierLoop(c), `carrier-${this.pid}/${t.tid}`)
    return c
  }

  mount(u: UThread, c: Carrier): void {
    u.carrier = c
    c.user = u
    u.waitingOn = null
    u.mount?.fire(c)
    u.mount = null
  }

  /** The running user thread `u` waits: its carrier runs someone else; resumes when remounted. */
  *switchAway(u: UThread, reason: string): Gen<void> {
    const c = u.carrier!
    u.carrier = null
    c.user = null
    u.waitingOn = reason
    u.mount = new Wakeup<Carrier>(this.ctx.sim)
    const mount = u.mount
    this.ctx.stats.userSwitches++
    c.freed?.fire(true)
    const c2 = yield* mount.wait()
    if (c2 === TIMED_OUT) throw new InvariantError('mount timed out')
    yield* this.ctx.primary.sched.compute(c2.thread, this.ctx.params.cpu.userThreadSwitch, Act.switch)
  }

  /** Library side: `u` is runnable again (futex wake, join, new thread): queue it and find it a carrier. */
  *makeReady(by: Carrier | null, u: UThread): Gen<void> {
    if (!this.rq.enqueue(u.slot)) throw new InvariantError(`pid ${this.pid}: ready queue full`)
    const sched = this.ctx.primary.sched
    if (by) yield* sched.compute(by.thread, this.rqLine.atomic(by.thread.cpu ?? sched.cpus[0]), Act.queue)
    this.kick()
    if (by && this.rq.waiters > 0 && this.spinners.size === 0) {
      // waking a carrier asleep in the kernel: a trap and a wake-up for the waker
      const p = this.ctx.params
      const bill = by.thread.bill().add(Act.trap, trapEntry(p)).add(Act.kernel, p.cpu.wakeup)
      yield* sched.computeBill(by.thread, bill.add(Act.trap, trapExit(p)))
      countInXen(this.ctx.primary.sched, by.thread.cpu, 2 * xenTrapShare(p))
    }
  }

  private kick(): void {
    const spinner = this.spinners.values().next()
    if (!spinner.done) {
      spinner.value.fire(true)
      this.spinners.delete(spinner.value)
    } else if (this.rq.waiters > 0) {
      this.sleepQueue.wakeOne()
    } else if (this.dormant > 0) {
      this.newCarrier()
    }
  }

  /** A carrier with no user thread: take one from the ready queue, spin, or block in rqueue_wait. */
  private *carrierLoop(c: Carrier): Gen<void> {
    const sched = this.ctx.primary.sched
    const p = this.ctx.params
    for (;;) {
      while (c.user && !this.exited) {
        c.freed = new Wakeup<true>(this.ctx.sim)
        yield* c.freed.wait()
        c.freed = null
      }
      if (this.exited) {
        sched.exit(c.thread)
        return
      }
      yield* sched.acquire(c.thread)
      yield* sched.compute(c.thread, this.rqLine.atomic(c.thread.cpu!), Act.queue)
      const v = this.rq.dequeue()
      if (v !== NIL) {
        this.mount(this.slots[v]!, c)
        continue
      }
      if (yield* this.spinOnQueue(c)) continue
      yield* sched.compute(c.thread, trapEntry(p), Act.trap) // rqueue_wait
      countInXen(this.ctx.primary.sched, c.thread.cpu, xenTrapShare(p))
      if (this.rq.empty && !this.exited) {
        this.rq.waiters++
        c.sleeping = true
        this.ctx.stats.sleeps++
        yield* this.sleepQueue.sleep(sched, c.thread, -1, true)
        c.sleeping = false
        this.rq.waiters--
      }
      yield* sched.compute(c.thread, trapExit(p), Act.trap)
      countInXen(this.ctx.primary.sched, c.thread.cpu, xenTrapShare(p))
    }
  }

  /** Spin `spinIterations` pauses on the ready queue holding the CPU; true when something arrived. */
  private *spinOnQueue(c: Carrier): Gen<boolean> {
    const w = new Wakeup<true>(this.ctx.sim)
    this.spinners.add(w)
    const t0 = this.ctx.sim.now
    const got = yield* w.wait(spin(this.ctx.params, this.ctx.vparams.spinIterations))
    this.spinners.delete(w)
    this.ctx.stats.spinCycles += this.ctx.sim.now - t0
    this.ctx.primary.sched.held(c.thread, t0, Act.spinning)
    if (got === TIMED_OUT) return false
    this.ctx.stats.spinHits++
    return true
  }

  /** Single-threaded wait: spin on the entry, then rqueue_wait_notify. */
  *waitSingle(u: UThread, req: Request): Gen<void> {
    const c = u.carrier!
    const sched = this.ctx.primary.sched
    const p = this.ctx.params
    if (req.answered) return
    const t0 = this.ctx.sim.now
    const got = yield* req.done.wait(spin(p, this.ctx.vparams.spinIterations))
    this.ctx.stats.spinCycles += this.ctx.sim.now - t0
    sched.held(c.thread, t0, Act.spinning)
    if (got !== TIMED_OUT) {
      this.ctx.stats.spinHits++
      return
    }
    yield* sched.compute(c.thread, trapEntry(p), Act.trap)
    countInXen(this.ctx.primary.sched, c.thread.cpu, xenTrapShare(p))
    if (req.group.pages.markWaiting(req.entry) && !req.answered) {
      this.rq.waiters++
      c.sleeping = true
      this.ctx.stats.sleeps++
      while (!this.rq.contents().includes(u.slot)) yield* this.sleepQueue.sleep(sched, c.thread, -1, true)
      c.sleeping = false
      this.rq.waiters--
      yield* sched.compute(c.thread, this.rqLine.atomic(c.thread.cpu!), Act.queue)
      const v = this.rq.dequeue()
      if (v !== u.slot) {
        throw new InvariantError(`pid ${this.pid}: single-threaded waiter dequeued slot ${v}, expected ${u.slot}`)
      }
    }
    yield* sched.compute(c.thread, trapExit(p), Act.trap)
    countInXen(this.ctx.primary.sched, c.thread.cpu, xenTrapShare(p))
  }

  /**
   * A worker (or the crash handler) finished a request. With 0x80 set, the waiter goes on the ready
   * queue; a ring message and an event channel follow only when a kernel thread sleeps on it.
   */
  completed(req: Request, enqueue: boolean, core: number, byCrash: boolean, bill?: Bill): number {
    if (!enqueue || this.exited) return 0
    const p = this.ctx.params
    const primaryCore = this.ctx.primary.sched.cpus[0]
    const at = byCrash ? primaryCore : core
    const cas = this.rqLine.atomic(at) + this.rqLine.atomic(at) // CAS next, CAS tail
    bill?.add(Act.queue, cas)
    let cost = cas
    if (!this.rq.enqueue(req.waiter)) throw new InvariantError(`pid ${this.pid}: ready queue full`)
    this.ctx.stats.readyEnqueues++
    const spinner = this.spinners.values().next()
    if (!spinner.done) {
      spinner.value.fire(true)
      this.spinners.delete(spinner.value)
    }
    if (this.sleepingWaiters > 0) {
      this.ctx.stats.readyNotifications++
      const ring = this.ringLine.write(at)
      const send = byCrash ? 0 : countInXen(req.group.domain.kernel.sched, core, eventChannelSend(p))
      bill?.add(Act.queue, ring).add(Act.eventChannel, send)
      cost += ring + send
      const delay = cost + (byCrash ? 0 : virqDelivery(p))
      after(this.ctx.sim, delay, () => this.notified(primaryCore))
    }
    return byCrash ? 0 : cost
  }

  /** The ring/event-channel interrupt in the primary: wake a kernel thread asleep on the queue. */
  private notified(core: number): void {
    const p = this.ctx.params
    const sched = this.ctx.primary.sched
    const bill = sched
      .irqBill()
      .add(Act.eventChannel, countInXen(this.ctx.primary.sched, core, virqDelivery(p)))
      .add(Act.queue, this.ringLine.read(core))
    sched.stealBill(core, bill.add(Act.kernel, p.cpu.wakeup))
    if (this.rq.waiters > 0) this.sleepQueue.wakeOne()
    else if (this.mn && this.dormant > 0 && !this.rq.empty) this.newCarrier()
  }

  /** All threads are gone: carriers end. */
  shutdown(): void {
    this.exited = true
    for (const w of this.spinners) w.fire(true)
    this.spinners.clear()
    this.sleepQueue.wakeAll()
    for (const c of this.carriers) c.freed?.fire(true)
  }

  /** No user thread lost: each live one runs, sits on the ready queue, or waits for something. */
  check(): void {
    const queued = this.rq.contents()
    const set = new Set(queued)
    if (set.size !== queued.length) throw new InvariantError(`pid ${this.pid}: a thread is on the ready queue twice`)
    for (const u of this.slots) {
      if (!u) continue
      const where = (u.carrier ? 1 : 0) + (set.has(u.slot) ? 1 : 0) + (u.waitingOn !== null && !set.has(u.slot) ? 1 : 0)
      if (where === 0) {
        throw new InvariantError(`pid ${this.pid}: user thread ${u.tid} is lost (not running, not ready, not waiting)`)
      }
      if (u.carrier && set.has(u.slot)) {
        throw new InvariantError(`pid ${this.pid}: user thread ${u.tid} runs and is on the ready queue`)
      }
    }
    for (const v of queued) {
      if (!this.slots[v]) throw new InvariantError(`pid ${this.pid}: ready queue holds finished slot ${v}`)
    }
  }
}

/** Run library bookkeeping that needs no CPU (makeReady with no carrier) from a callback. */
export function runDetached(g: Gen<void>): void {
  if (!g.next().done) throw new Error('detached library step tried to wait')
}
