/**
 * The split drivers between the PV guest and the driver domain. Each direction costs: the
 * frontend's ring slot and grant references, an event channel to the other side (suppressed while
 * the backend is still working through the ring), the backend's upcall, and per data page a grant
 * map/unmap (blkback) or a grant copy (netback). The frontend's and backend's work is interrupt-
 * context work on a vCPU of each domain, queued behind that vCPU's other interrupt work and
 * delaying whatever runs there (the block layer's disk port and the stack's route do not know the
 * calling thread): a frame's on the vCPU its flow's interrupts go to in that domain
 * (kernel.irqPlacement, as for every system's NIC interrupts), the rest on the first vCPU.
 *
 * The guest reaches them through the kernel's declared ports: blkfront is its block device
 * (`Kernel` option `blockDevice`), netfront its stack's wire egress (`NetStack.setEgress`), and
 * netback takes the NIC's interrupts (`Network.setInterruptSink`).
 */
import {
  compute as computeCycles,
  eventChannelSend,
  grantCopy,
  grantMap,
  grantUnmap,
  virqDelivery,
} from '../../machine/cost.js'
import type {DiskRequest} from '../../machine/disk.js'
import type {Frame} from '../../machine/nic.js'
import type {MachineParams} from '../../machine/params.js'
import {InvariantError} from '../../errors.js'
import {after, Wakeup, type Simulation} from '../engine.js'
import {blockCompletion} from '../hw.js'
import type {Kernel} from '../kernel.js'
import {byIrqCore, type Delivery} from '../net/irq.js'
import type {WireEgress} from '../net/stack.js'
import type {Gen} from '../types.js'
import type {DiskPort} from '../vfs/block.js'
import type {DriverDomainParams} from './params.js'
import {SplitRing} from './ring.js'
import {countInXen, xenIrqShare} from '../dispatch/pv.js'
import {Act, Bill, type Activity} from '../ledger.js'
import {FLOW, type FlowStep} from '../flow.js'

const PAGE = 4096

export class DriverDomainStats {
  blkRequests = 0
  blkPages = 0
  netTxFrames = 0
  netRxFrames = 0
  grantMaps = 0
  grantUnmaps = 0
  grantCopies = 0
  /** Event-channel notifications guest -> driver domain and back. */
  eventsToDriver = 0
  eventsToGuest = 0
  /** Notifications netfront skipped because netback was still working through the tx ring. */
  eventsSuppressed = 0
  /** Cycles charged by the split drivers, by `side:component` (side guest or driver). */
  readonly cycles: Record<string, number> = {}
  /** The charges since the last ring-side run, by activity (what that run's cycles paid for). */
  readonly pending = new Bill()
  charge(key: string, cycles: number): number {
    this.cycles[key] = (this.cycles[key] ?? 0) + cycles
    // the ring's cache lines within it (line()) are queue operations, the rest the component's own
    const queued = Math.min(this.queued, cycles)
    this.queued = 0
    this.pending.add(activityOf(key), cycles - queued)
    if (queued > 0) this.pending.add(Act.queue, queued)
    return cycles
  }
  /** A ring slot's cache-line transfer, part of the next charge (for the ledger only). */
  line(cycles: number): number {
    this.queued += cycles
    return cycles
  }
  private queued = 0
}

/** The ledger's activity of a split-driver charge, by its component (the key after `side:`). */
function activityOf(key: string): Activity {
  const component = key.slice(key.indexOf(':') + 1)
  if (component === 'virq' || component === 'evtchnSend') return Act.eventChannel
  if (component === 'grant') return Act.grant
  if (component === 'diskIrq' || component === 'nicIrq' || component === 'blockCompletion') return Act.interrupt
  return Act.kernel // the frontends' and backends' own work with their ring slots
}

/** A blkif request's step in the driver domain (its id is the guest's, where blkfront submitted it). */
function blkStep(s: Sides, step: FlowStep, req: DiskRequest, core: number): void {
  const id = s.guest.flows.idOf(req)
  if (id !== undefined) s.driver.flows.step(step, FLOW.blkRequest, id, core)
}

/** The two domains and what their split drivers share. */
export interface Sides {
  guest: Kernel
  driver: Kernel
  outage: Outage
  params: MachineParams
  dp: DriverDomainParams
  stats: DriverDomainStats
}

function work(s: Sides, instructions: number): number {
  return computeCycles(instructions, s.params.cpu.kernelIpc)
}

/**
 * The driver domain's lives. A crash (at `from`) ends one: what was on its rings is gone, and work
 * of that life still under way is dropped when it comes (its `epoch` is an older one). The
 * frontends are disconnected until `to`, when the restarted domain's backends have reconnected
 * through xenbus; one crash at a time.
 */
export class Outage {
  from = Infinity
  to = -Infinity
  crashes = 0
  /** Bumped at every crash. */
  epoch = 0
  /** Frames lost: on the rings at the crash, or sent / received while disconnected. */
  lostTxFrames = 0
  lostRxFrames = 0
  /** Block requests blkfront issued again after reconnecting (they were on the ring at the crash). */
  reissuedBlkRequests = 0
  /** Block requests blkfront held while disconnected (issued on reconnect). */
  heldBlkRequests = 0

  /** The frontends have no backend now. */
  disconnected(now: number): boolean {
    return now >= this.from && now < this.to
  }
}

/**
 * One side of a ring: interrupt-context work on a vCPU of `kernel`, queued behind that vCPU's
 * interrupt work (its softirq queue), so a flow's frames, all handled on one vCPU, are never
 * reordered; `then` runs when it is done, unless the driver domain crashed meanwhile (the work
 * belonged to a life that is over).
 */
class RingSide {
  constructor(
    private readonly kernel: Kernel,
    private readonly outage: Outage,
    private readonly stats: DriverDomainStats,
  ) {}
  run(core: number, cycles: number, then: () => void): void {
    const k = this.kernel
    const epoch = this.outage.epoch
    // the charges made for this run (charge()) split its cycles by activity
    const pending = this.stats.pending
    const busy = k.sched.stealBill(core, pending.exact(cycles, Act.kernel))
    pending.clear()
    after(k.sim, busy, () => {
      if (epoch === this.outage.epoch) then()
    })
  }
}

/**
 * blkfront as the guest's block device: its block layer's requests go over the blkif ring once the
 * frontend is connected to its backend (the driver domain is built after the guest).
 */
export class Blkfront implements DiskPort {
  private driver: BlockSplitDriver | null = null
  constructor(
    private readonly sim: Simulation,
    private readonly sectorBytes: number,
  ) {}

  connect(driver: BlockSplitDriver): void {
    this.driver = driver
  }

  *transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
    if (!this.driver) throw new InvariantError('blkfront: no backend connected')
    const done = new Wakeup<true>(this.sim)
    this.driver.submit({sector: Math.floor(offsetBytes / this.sectorBytes), bytes, write}, () => done.fire(true))
    yield* done.wait()
  }
}

/** A block request blkfront keeps until its response came (its shadow entry). */
interface BlkShadow {
  req: DiskRequest
  done: (completedAt: number) => void
  /** It was put on the ring (not only waiting for a slot). */
  onRing: boolean
}

/** blkfront -> blkif ring -> blkback -> the real disk, and the response back. */
export class BlockSplitDriver {
  readonly ring: SplitRing
  private readonly front_: RingSide
  private readonly back_: RingSide
  /** Issued and not answered, in issue order (blkfront's shadow ring). */
  private readonly shadow = new Set<BlkShadow>()
  /** Waiting for the backend to reconnect (blk-mq's stopped queue). */
  private held: BlkShadow[] = []
  constructor(
    private readonly s: Sides,
    private readonly realSubmit: (req: DiskRequest, done: (completedAt: number) => void) => void,
  ) {
    this.ring = new SplitRing(s.params, 'blkif', s.dp.blkRingSlots)
    this.front_ = new RingSide(s.guest, s.outage, s.stats)
    this.back_ = new RingSide(s.driver, s.outage, s.stats)
  }

  submit(req: DiskRequest, done: (completedAt: number) => void): void {
    const r: BlkShadow = {req, done, onRing: false}
    if (this.s.outage.disconnected(this.s.guest.sim.now)) {
      this.s.outage.heldBlkRequests++
      this.held.push(r)
      return
    }
    this.issue(r)
  }

  /** Requests waiting or in flight (the model's invariant check at quiescence). */
  get pending(): number {
    return this.shadow.size + this.held.length
  }

  /**
   * The driver domain crashed: the ring is gone with it. Every request issued and not answered
   * waits to be issued again, in order, before those submitted while disconnected.
   */
  crashed(): void {
    this.ring.reset()
    const lost = [...this.shadow]
    this.shadow.clear()
    this.s.outage.reissuedBlkRequests += lost.filter((r) => r.onRing).length
    this.held = [...lost.map((r) => ({...r, onRing: false})), ...this.held]
  }

  /** The backend is back (blkfront_resume -> blkif_recover): re-issue what the crash lost, then what waited. */
  reconnected(): void {
    const waiting = this.held
    this.held = []
    for (const r of waiting) this.issue(r)
  }

  private issue(r: BlkShadow): void {
    const pages = Math.max(1, Math.ceil(r.req.bytes / PAGE))
    const slots = Math.ceil(pages / this.s.dp.blkSegmentsPerSlot)
    this.shadow.add(r)
    const epoch = this.s.outage.epoch
    this.ring.acquire(slots, () => {
      if (epoch !== this.s.outage.epoch) return
      r.onRing = true
      this.front(r.req, pages, slots, (at) => {
        this.shadow.delete(r)
        r.done(at)
      })
    })
  }

  private front(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    s.stats.blkRequests++
    s.stats.blkPages += pages
    s.stats.eventsToDriver++
    const g = s.guest.sched.cpus[0]
    s.guest.flows.submit(FLOW.blkRequest, req, g)
    const cost =
      s.stats.charge(
        'guest:blkfront',
        work(s, s.dp.blkRequestInstructions) + s.stats.line(this.ring.reqLine.write(g)),
      ) + s.stats.charge('guest:evtchnSend', countInXen(s.guest.sched, g, eventChannelSend(s.params)))
    this.front_.run(g, cost, () => this.back(req, pages, slots, done))
  }

  private back(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    const d = s.driver.sched.cpus[0]
    let cost =
      s.stats.charge('driver:virq', countInXen(s.driver.sched, d, virqDelivery(s.params))) +
      s.stats.charge('driver:blkback', s.stats.line(this.ring.reqLine.read(d)) + work(s, s.dp.blkRequestInstructions))
    if (s.dp.blkData === 'map') {
      s.stats.grantMaps += pages
      cost += s.stats.charge('driver:grant', countInXen(s.driver.sched, d, grantMap(s.params, pages)))
    } else if (req.write) {
      s.stats.grantCopies += pages
      cost += s.stats.charge('driver:grant', countInXen(s.driver.sched, d, grantCopy(s.params, pages)))
    }
    const epoch = s.outage.epoch
    blkStep(s, 'serve', req, d)
    this.back_.run(d, cost, () =>
      this.realSubmit(req, () => {
        // the disk finished a request of a driver domain that has crashed since: nobody answers it
        if (epoch === s.outage.epoch) this.respond(req, pages, slots, done)
      }),
    )
  }

  /**
   * The disk's completion interrupt lands in the driver domain (a PV domain's: with Xen's pirq
   * upcall), whose block layer ends the request blkback submitted; blkback then answers on the ring,
   * and the guest's block layer ends its own request once blkfront has the response.
   */
  private respond(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    const d = s.driver.sched.cpus[0]
    countInXen(s.driver.sched, d, xenIrqShare(s.driver.params)) // the pirq upcall inside diskIrq
    let cost =
      s.stats.charge('driver:diskIrq', s.driver.params.disk.interrupt) +
      s.stats.charge('driver:blockCompletion', blockCompletion(s.driver.params)) +
      s.stats.charge('driver:blkback', s.stats.line(this.ring.rspLine.write(d))) +
      s.stats.charge('driver:evtchnSend', countInXen(s.driver.sched, d, eventChannelSend(s.params)))
    if (s.dp.blkData === 'map') {
      s.stats.grantUnmaps += pages
      cost += s.stats.charge('driver:grant', countInXen(s.driver.sched, d, grantUnmap(s.params, pages)))
    } else if (!req.write) {
      s.stats.grantCopies += pages
      cost += s.stats.charge('driver:grant', countInXen(s.driver.sched, d, grantCopy(s.params, pages)))
    }
    s.stats.eventsToGuest++
    blkStep(s, 'served', req, d)
    this.back_.run(d, cost, () => {
      const g = s.guest.sched.cpus[0]
      s.guest.flows.stepOf('complete', FLOW.blkRequest, req, g)
      this.front_.run(
        g,
        s.stats.charge('guest:virq', countInXen(s.guest.sched, g, virqDelivery(s.params))) +
          s.stats.charge('guest:blkfront', s.stats.line(this.ring.rspLine.read(g))) +
          s.stats.charge('guest:blockCompletion', blockCompletion(s.guest.params)),
        () => {
          this.ring.release(slots)
          done(s.guest.sim.now)
        },
      )
    })
  }
}

/** netfront <-> netif rings <-> netback (+ bridge) <-> the real NIC. netfront is the guest stack's egress. */
export class NetSplitDriver implements WireEgress {
  readonly tx: SplitRing
  readonly rx: SplitRing
  private readonly txFront: RingSide
  private readonly txBack: RingSide
  private readonly rxFront: RingSide
  private readonly rxBack: RingSide
  constructor(private readonly s: Sides) {
    this.tx = new SplitRing(s.params, 'netif-tx', s.dp.netRingSlots)
    this.rx = new SplitRing(s.params, 'netif-rx', s.dp.netRingSlots)
    this.txFront = new RingSide(s.guest, s.outage, s.stats)
    this.txBack = new RingSide(s.driver, s.outage, s.stats)
    this.rxFront = new RingSide(s.guest, s.outage, s.stats)
    this.rxBack = new RingSide(s.driver, s.outage, s.stats)
  }

  /**
   * The driver domain crashed: the frames on both rings (and those waiting for a slot) are lost
   * (xennet_disconnect_backend frees them; the guest's TCP sends its own again), and the rings
   * start empty when the backend reconnects.
   */
  crashed(): void {
    this.s.outage.lostTxFrames += this.tx.reset()
    this.s.outage.lostRxFrames += this.rx.reset()
    this.paidNotifies = 0
    this.txCompletionPending = false
    this.txDone = 0
  }

  private dataCost(d: number): number {
    const {s} = this
    if (s.dp.netData === 'copy') {
      s.stats.grantCopies++
      return s.stats.charge('driver:grant', countInXen(s.driver.sched, d, grantCopy(s.params, 1)))
    }
    s.stats.grantMaps++
    s.stats.grantUnmaps++
    return s.stats.charge(
      'driver:grant',
      countInXen(s.driver.sched, d, grantMap(s.params, 1) + grantUnmap(s.params, 1)),
    )
  }

  /** Notifications the senders already paid for (txCost) and send() has not consumed yet. */
  private paidNotifies = 0
  /** A tx-completion notification is on its way to the guest (later responses ride on it). */
  private txCompletionPending = false

  /**
   * What xennet_start_xmit adds to the guest's per-segment transmit cost, in the sender's context
   * (the thread in send(), or softirq for ACKs): the ring slot and grant reference, and the
   * event-channel hypercall when RING_PUSH_REQUESTS_AND_CHECK_NOTIFY finds netback idle (it set
   * req_event past everything it consumed); while netback still works through the ring, none.
   */
  txCost(): number {
    const {s} = this
    let cost = s.stats.charge(
      'guest:netfront',
      work(s, s.dp.netFrameInstructions) + this.tx.reqLine.write(s.guest.sched.cpus[0]),
    )
    if (this.tx.backendBusy === 0 && this.paidNotifies === 0) {
      this.paidNotifies++
      const g = s.guest.sched.cpus[0]
      cost += s.stats.charge('guest:evtchnSend', countInXen(s.guest.sched, g, eventChannelSend(s.params)))
    }
    // paid by the sender's own compute (the stack's transmit cost), not by a ring-side run
    s.stats.pending.clear()
    return cost
  }

  /**
   * A frame of `flow` the guest's stack sends on the wire: through netback, then `send` puts it on
   * the NIC. Without a backend netfront has no carrier and the frame is dropped.
   */
  send(send: () => void, flow: number): void {
    if (this.s.outage.disconnected(this.s.guest.sim.now)) {
      this.s.outage.lostTxFrames++
      return
    }
    const epoch = this.s.outage.epoch
    this.tx.acquire(1, () => {
      if (epoch !== this.s.outage.epoch) return
      const {s} = this
      s.stats.netTxFrames++
      let notify = false
      let front = 0
      if (this.paidNotifies > 0) {
        this.paidNotifies--
        notify = true
      } else if (this.tx.backendBusy === 0) {
        // netback went idle between the sender's check and the push: notify now (interrupt core)
        notify = true
        const g = s.guest.net.irqCore(flow)
        front = s.stats.charge('guest:evtchnSend', countInXen(s.guest.sched, g, eventChannelSend(s.params)))
      }
      this.tx.backendBusy++
      if (notify) s.stats.eventsToDriver++
      else s.stats.eventsSuppressed++
      this.txFront.run(s.guest.net.irqCore(flow), front, () => {
        const d = s.driver.net.irqCore(flow)
        const back =
          (notify ? s.stats.charge('driver:virq', countInXen(s.driver.sched, d, virqDelivery(s.params))) : 0) +
          s.stats.charge('driver:netback', s.stats.line(this.tx.reqLine.read(d)) + work(s, s.dp.netFrameInstructions)) +
          this.dataCost(d) +
          s.stats.charge('driver:txResponse', s.stats.line(this.tx.rspLine.write(d)))
        this.txBack.run(d, back, () => {
          this.tx.backendBusy--
          this.completeTx()
          send()
        })
      })
    })
  }

  /**
   * netback's tx response: netfront asked (rsp_event) to hear about completions, so the first one
   * after a quiet spell costs an event channel and an upcall on the guest's first vCPU, where
   * xennet_tx_buf_gc frees the slot and grant; responses made while that upcall is pending ride on it.
   */
  private completeTx(): void {
    const {s} = this
    if (this.txCompletionPending) {
      this.txDone++
      return
    }
    this.txCompletionPending = true
    this.txDone++
    s.stats.eventsToGuest++
    const d = s.driver.sched.cpus[0]
    const send = s.stats.charge('driver:evtchnSend', countInXen(s.driver.sched, d, eventChannelSend(s.params)))
    this.txBack.run(d, send, () => {
      const g = s.guest.sched.cpus[0]
      this.txCompletionPending = false
      const n = this.txDone
      this.txDone = 0
      this.txFront.run(
        g,
        s.stats.charge('guest:virq', countInXen(s.guest.sched, g, virqDelivery(s.params))) +
          s.stats.charge('guest:netfront', s.stats.line(this.tx.rspLine.read(g))),
        () => this.tx.release(n),
      )
    })
  }
  private txDone = 0

  /**
   * The NIC's interrupt lands in the driver domain (one per vCPU its frames' flows go to); netback
   * hands the frames to the guest, whose netfront and stack take them on their flows' vCPU there
   * (none while the driver domain is down).
   */
  receive(frames: readonly Frame[], deliver: (arrivals: (() => void)[]) => void): void {
    const deliveries = frames.map((f) => f.data as Delivery)
    for (const [d, group] of byIrqCore(deliveries, (flow) => this.s.driver.net.irqCore(flow))) {
      this.receiveOn(d, group, deliver)
    }
  }

  private receiveOn(d: number, group: Delivery[], deliver: (arrivals: (() => void)[]) => void): void {
    const {s} = this
    const n = group.length
    if (s.outage.disconnected(s.guest.sim.now)) {
      s.outage.lostRxFrames += n
      return
    }
    const epoch = s.outage.epoch
    this.rx.acquire(n, () => {
      if (epoch !== s.outage.epoch) return
      s.stats.netRxFrames += n
      s.stats.eventsToGuest++
      // the driver domain's NIC interrupt: a PV domain's, i.e. with Xen's pirq upcall (dispatch/pv.ts)
      countInXen(s.driver.sched, d, xenIrqShare(s.driver.params)) // the pirq upcall inside nicIrq
      let back =
        s.stats.charge('driver:nicIrq', s.driver.params.nic.interrupt) +
        s.stats.charge('driver:netback', s.stats.line(this.rx.rspLine.write(d))) +
        s.stats.charge('driver:evtchnSend', countInXen(s.driver.sched, d, eventChannelSend(s.params)))
      for (let i = 0; i < n; i++) {
        back += s.stats.charge('driver:netback', work(s, s.dp.netFrameInstructions)) + this.dataCost(d)
      }
      this.rxBack.run(d, back, () => {
        for (const [g, mine] of byIrqCore(group, (flow) => s.guest.net.irqCore(flow))) this.frontRx(g, mine, deliver)
      })
    })
  }

  /**
   * netfront's upcall on the guest's vCPU `g`, then the guest stack's receive work frame by frame
   * (each frame handed up once its own work is done, as on the native path).
   */
  private frontRx(g: number, group: Delivery[], deliver: (arrivals: (() => void)[]) => void): void {
    const {s} = this
    const n = group.length
    s.guest.net.stats.framesIn += n
    s.guest.net.stats.interrupts++
    const upcall =
      s.stats.charge('guest:virq', countInXen(s.guest.sched, g, virqDelivery(s.params))) +
      s.stats.charge('guest:netfront+stack', s.stats.line(this.rx.rspLine.read(g)))
    this.rxFront.run(g, upcall, () => {})
    group.forEach((x, i) => {
      const cost = s.stats.charge('guest:netfront+stack', s.params.nic.rxPacketCycles)
      this.rxFront.run(g, cost, () => {
        // the poll has taken every response of the batch off the ring: its slots go back
        if (i === n - 1) this.rx.release(n)
        deliver([x.arrive])
      })
    })
  }
}
