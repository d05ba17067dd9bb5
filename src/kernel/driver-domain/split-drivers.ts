/**
 * The split drivers between the PV guest and the driver domain. Each direction costs: the
 * frontend's ring slot and grant references, an event channel to the other side (suppressed while
 * the backend is still working through the ring), the backend's upcall, and per data page a grant
 * map/unmap (blkback) or a grant copy (netback). The frontend's and backend's work is interrupt-
 * context work on the first vCPU of each domain (stolen from whatever runs there): the block
 * layer's disk port and the stack's route do not know the calling thread.
 */
import {compute as computeCycles, eventChannelSend, grantCopy, grantMap, grantUnmap, virqDelivery} from '../../machine/cost.js'
import type {DiskRequest} from '../../machine/disk.js'
import type {Frame} from '../../machine/nic.js'
import type {MachineParams} from '../../machine/params.js'
import {after} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {DriverDomainParams} from './params.js'
import {SplitRing} from './ring.js'

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
}

interface Sides {
  guest: Kernel
  driver: Kernel
  outage: Outage
  params: MachineParams
  dp: DriverDomainParams
  stats: DriverDomainStats
}

function work(s: Sides, instructions: number): number {
  return computeCycles(s.params, instructions, s.params.cpu.kernelIpc)
}

/** When the driver domain is down: [from, to) in cycles (one crash at a time). */
export class Outage {
  from = Infinity
  to = -Infinity
  crashes = 0
  /** Backend steps deferred to the restart. */
  deferred = 0
}

/**
 * Interrupt-context work on `kernel`'s first vCPU, in order: one side of one ring handles its
 * requests one after another (so frames are never reordered); `then` runs when it is done.
 */
class RingSide {
  private busyUntil = 0
  constructor(private readonly kernel: Kernel, private readonly outage: Outage | null = null) {}
  run(cycles: number, then: () => void): void {
    const k = this.kernel
    let start = Math.max(k.sim.now, this.busyUntil)
    // a crashed driver domain does nothing until it is back; the frontends' requests wait on the rings
    if (this.outage && start >= this.outage.from && start < this.outage.to) {
      start = this.outage.to
      this.outage.deferred++
    }
    this.busyUntil = start + k.sched.steal(k.sched.cpus[0], cycles)
    after(k.sim, this.busyUntil - k.sim.now, then)
  }
}

/** blkfront -> blkif ring -> blkback -> the real disk, and the response back. */
export class BlockSplitDriver {
  readonly ring: SplitRing
  private readonly front_: RingSide
  private readonly back_: RingSide
  constructor(
    private readonly s: Sides,
    private readonly realSubmit: (req: DiskRequest, done: (completedAt: number) => void) => void,
  ) {
    this.ring = new SplitRing(s.params, 'blkif', s.dp.blkRingSlots)
    this.front_ = new RingSide(s.guest)
    this.back_ = new RingSide(s.driver, s.outage)
  }

  submit(req: DiskRequest, done: (completedAt: number) => void): void {
    const pages = Math.max(1, Math.ceil(req.bytes / PAGE))
    const slots = Math.ceil(pages / this.s.dp.blkSegmentsPerSlot)
    this.ring.acquire(slots, () => this.front(req, pages, slots, done))
  }

  private front(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    s.stats.blkRequests++
    s.stats.blkPages += pages
    s.stats.eventsToDriver++
    const g = s.guest.sched.cpus[0]
    const cost = work(s, s.dp.blkRequestInstructions) + this.ring.reqLine.write(g) + eventChannelSend(s.params)
    this.front_.run(cost, () => this.back(req, pages, slots, done))
  }

  private back(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    const d = s.driver.sched.cpus[0]
    let cost = virqDelivery(s.params) + this.ring.reqLine.read(d) + work(s, s.dp.blkRequestInstructions)
    if (s.dp.blkData === 'map') {
      s.stats.grantMaps += pages
      cost += grantMap(s.params, pages)
    } else if (req.write) {
      s.stats.grantCopies += pages
      cost += grantCopy(s.params, pages)
    }
    this.back_.run(cost, () => this.realSubmit(req, () => this.respond(req, pages, slots, done)))
  }

  private respond(req: DiskRequest, pages: number, slots: number, done: (completedAt: number) => void): void {
    const {s} = this
    const d = s.driver.sched.cpus[0]
    let cost = this.ring.rspLine.write(d) + eventChannelSend(s.params)
    if (s.dp.blkData === 'map') {
      s.stats.grantUnmaps += pages
      cost += grantUnmap(s.params, pages)
    } else if (!req.write) {
      s.stats.grantCopies += pages
      cost += grantCopy(s.params, pages)
    }
    s.stats.eventsToGuest++
    this.back_.run(cost, () => {
      const g = s.guest.sched.cpus[0]
      this.front_.run(virqDelivery(s.params) + this.ring.rspLine.read(g), () => {
        this.ring.release(slots)
        done(s.guest.sim.now)
      })
    })
  }
}

/** netfront <-> netif rings <-> netback (+ bridge) <-> the real NIC. */
export class NetSplitDriver {
  readonly tx: SplitRing
  readonly rx: SplitRing
  private readonly txFront: RingSide
  private readonly txBack: RingSide
  private readonly rxFront: RingSide
  private readonly rxBack: RingSide
  constructor(private readonly s: Sides) {
    this.tx = new SplitRing(s.params, 'netif-tx', s.dp.netRingSlots)
    this.rx = new SplitRing(s.params, 'netif-rx', s.dp.netRingSlots)
    this.txFront = new RingSide(s.guest)
    this.txBack = new RingSide(s.driver, s.outage)
    this.rxFront = new RingSide(s.guest)
    this.rxBack = new RingSide(s.driver, s.outage)
  }

  private dataCost(): number {
    const {s} = this
    if (s.dp.netData === 'copy') {
      s.stats.grantCopies++
      return grantCopy(s.params, 1)
    }
    s.stats.grantMaps++
    s.stats.grantUnmaps++
    return grantMap(s.params, 1) + grantUnmap(s.params, 1)
  }

  /** A frame the guest's stack sends on the wire: through netback, then `send` puts it on the NIC. */
  send(send: () => void): void {
    this.tx.acquire(1, () => {
      const {s} = this
      s.stats.netTxFrames++
      const g = s.guest.sched.cpus[0]
      const notify = this.tx.backendBusy === 0
      this.tx.backendBusy++
      if (notify) s.stats.eventsToDriver++
      const front = work(s, s.dp.netFrameInstructions) + this.tx.reqLine.write(g) + (notify ? eventChannelSend(s.params) : 0)
      this.txFront.run(front, () => {
        const d = s.driver.sched.cpus[0]
        const back = (notify ? virqDelivery(s.params) : 0) + this.tx.reqLine.read(d) + work(s, s.dp.netFrameInstructions) + this.dataCost()
        this.txBack.run(back, () => {
          this.tx.backendBusy--
          this.tx.release(1)
          send()
        })
      })
    })
  }

  /** The NIC's interrupt lands in the driver domain; netback hands the frames to the guest. */
  receive(frames: readonly Frame[], deliver: (arrivals: (() => void)[]) => void): void {
    const {s} = this
    const n = frames.length
    this.rx.acquire(n, () => {
      s.stats.netRxFrames += n
      s.stats.eventsToGuest++
      const d = s.driver.sched.cpus[0]
      let back = s.params.nic.interrupt + this.rx.rspLine.write(d) + eventChannelSend(s.params)
      for (let i = 0; i < n; i++) back += work(s, s.dp.netFrameInstructions) + this.dataCost()
      this.rxBack.run(back, () => {
        const g = s.guest.sched.cpus[0]
        const front = virqDelivery(s.params) + this.rx.rspLine.read(g) + n * s.params.nic.rxPacketCycles
        s.guest.net.stats.framesIn += n
        s.guest.net.stats.interrupts++
        this.rxFront.run(front, () => {
          this.rx.release(n)
          deliver(frames.map((f) => f.data as () => void))
        })
      })
    })
  }
}
