/** The machine the kernel runs on: cores, the disk, the NIC, over one engine and one profile. */
import {Core} from './core.js'
import {ModeCounters} from './counters.js'
import {Disk, type DiskSchedule} from './disk.js'
import type {EventHost} from './events.js'
import {Nic} from './nic.js'
import type {MachineParams} from './params.js'
import {activeCores, checkCore, type CoreId} from './topology.js'

export interface MachineOptions {
  diskSchedule?: DiskSchedule
}

export class Machine {
  readonly cores: readonly Core[]
  readonly disk: Disk
  readonly nic: Nic
  /** Cycles, instructions and misses per core, mode and domain. */
  readonly counters = new ModeCounters()

  constructor(
    readonly host: EventHost,
    readonly params: MachineParams,
    options: MachineOptions = {},
  ) {
    this.cores = activeCores(params).map((id) => new Core(params, id))
    this.disk = new Disk(host, params, options.diskSchedule ?? 'clook')
    this.nic = new Nic(host, params)
  }

  core(id: CoreId): Core {
    checkCore(this.params, id)
    return this.cores[id]
  }
}
