/**
 * The storage server's block driver as its file server's block device (the kernel's blockDevice
 * port). Every request costs the file server's request message to the driver and the driver's
 * reply (two one-way IPCs), charged with the completion interrupt on the interrupt core. When the
 * driver crashes, the requests it held are lost: after the reincarnation server has restarted it,
 * the file server issues them again (Herder et al., "Failure resilience for device drivers", DSN
 * 2007); requests arriving meanwhile wait for the new driver. The disk itself finishes what it was
 * given (its completion goes to the dead driver and is ignored).
 */
import {InvariantError} from '../../errors.js'
import {after, Wakeup} from '../engine.js'
import {Act} from '../ledger.js'
import {blockCompletion, diskIrqCore} from '../hw.js'
import type {Kernel} from '../kernel.js'
import type {Gen} from '../types.js'
import type {DiskPort} from '../vfs/block.js'
import type {MultiserverParams} from './params.js'
import type {MultiserverStats, Server} from './server.js'

export class ServerBlockDriver implements DiskPort {
  private owner: Kernel | null = null
  /** Requests submitted to the disk and not completed yet. */
  pending = 0

  constructor(
    private readonly server: Server,
    private readonly mp: MultiserverParams,
    private readonly stats: MultiserverStats,
  ) {}

  /** The kernel whose file server this driver serves (built after the driver: it is its port). */
  attach(kernel: Kernel): void {
    this.owner = kernel
  }

  *transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
    for (;;) {
      yield* this.server.whenUp()
      if (yield* this.once(offsetBytes, bytes, write)) return
      this.stats.reissuedBlockRequests++
    }
  }

  /** One submission; false if the driver died while the disk had it (the file server re-issues it). */
  private *once(offsetBytes: number, bytes: number, write: boolean): Gen<boolean> {
    const k = this.owner
    if (!k || !k.machine) throw new InvariantError('multiserver: block driver has no kernel attached')
    const {sim, params, sched} = k
    const life = this.server.incarnation
    const done = new Wakeup<boolean>(sim)
    const sector = Math.floor(offsetBytes / k.machine.params.disk.sectorBytes)
    this.pending++
    k.machine.disk.submit({sector, bytes, write}, () => {
      this.pending--
      if (this.server.incarnation !== life) return done.fire(false)
      // the completion interrupt, then the driver's reply to the file server and its ack
      const bill = sched
        .irqBill()
        .add(Act.interrupt, params.disk.interrupt + blockCompletion(params))
        .add(Act.ipc, 2 * this.mp.ipcOneWay)
      after(sim, sched.stealBill(diskIrqCore(sched), bill), () => done.fire(true))
    })
    return (yield* done.wait()) as boolean
  }
}
