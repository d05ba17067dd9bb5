/** Adapters from the machine's callback-style devices to blocking kernel generators. */
import type {Machine} from '../machine/machine.js'
import {Wakeup, type Simulation} from './engine.js'
import type {DomainId, Gen} from './types.js'
import type {DiskPort} from './vfs/block.js'

/** The machine's disk as the block layer sees it: submit, sleep until the completion callback. */
export function machineDisk(sim: Simulation, machine: Machine): DiskPort {
  const sectorBytes = machine.params.disk.sectorBytes
  return {
    *transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
      const done = new Wakeup<true>(sim)
      machine.disk.submit({sector: Math.floor(offsetBytes / sectorBytes), bytes, write}, () => done.fire(true))
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
