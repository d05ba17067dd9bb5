/** Adapters from the machine's callback-style devices to blocking kernel generators. */
import {compute} from '../machine/cost.js'
import type {Machine} from '../machine/machine.js'
import type {MachineParams} from '../machine/params.js'
import {after, Wakeup, type Simulation} from './engine.js'
import {countInXen, xenIrqShare} from './dispatch/pv.js'
import type {Scheduler} from './scheduler.js'
import type {DomainId, Gen} from './types.js'
import type {DiskPort} from './vfs/block.js'
import {Act} from './ledger.js'

/** What the disk port needs of the kernel that owns the disk. */
export interface DiskOwner {
  readonly sim: Simulation
  readonly machine: Machine | null
  readonly params: MachineParams
  readonly sched: Scheduler
}

/** The core the disk controller's interrupt lands on: the kernel's first (no irqbalance). */
export function diskIrqCore(sched: Scheduler): number {
  return sched.cpus[0]
}

/** The block layer's completion work for one request (BLOCK_SOFTIRQ: end the request, its bios' pages). */
export function blockCompletion(params: MachineParams): number {
  return compute(params.disk.completionInstructions, params.cpu.kernelIpc)
}

/**
 * The machine's disk as the owner's block layer sees it: submit, then the completion interrupt and
 * the block layer's completion work on the interrupt core (taken from whatever runs there), then
 * the waiter wakes. A PV owner's params carry Xen's pirq upcall in `disk.interrupt` (dispatch/pv.ts).
 */
export function machineDisk(owner: DiskOwner): DiskPort {
  const {sim, params} = owner
  const machine = owner.machine!
  const sectorBytes = machine.params.disk.sectorBytes
  return {
    *transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
      const done = new Wakeup<true>(sim)
      machine.disk.submit({sector: Math.floor(offsetBytes / sectorBytes), bytes, write}, () => {
        const handler = params.disk.interrupt + blockCompletion(params)
        countInXen(owner.sched, diskIrqCore(owner.sched), xenIrqShare(params))
        after(sim, owner.sched.steal(diskIrqCore(owner.sched), handler, Act.interrupt), () => done.fire(true))
      })
      yield* done.wait()
    },
  }
}

/**
 * A kernel without the disk (the VirtuOS primary and network domains, client hosts): its files are
 * memory-only, like tmpfs, so writeback completes at once.
 */
export function noDisk(_domain: DomainId): DiskPort {
  return {
    *transfer(): Gen<void> {},
  }
}
