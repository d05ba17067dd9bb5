/** Building a VirtuOS system for tests (the E5520 test profile, 8 cores, default split 4/2/2). */
import '../../../src/kernel/virtuos/index.js'
import {virtuosOf, type VirtuosBackend, type VirtuosParams} from '../../../src/kernel/virtuos/index.js'
import {Machine} from '../../../src/machine/machine.js'
import type {MachineParams} from '../../../src/machine/params.js'
import {buildSystem, type System} from '../../../src/kernel/system.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

export interface VirtuosTestSystem {
  host: KernelTestHost
  machine: Machine
  params: MachineParams
  system: System
  v: VirtuosBackend
}

export function virtuosSystem(
  virtuos: Partial<VirtuosParams> = {},
  params: MachineParams = e5520Params(),
): VirtuosTestSystem {
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const system = buildSystem(host, machine, params, {system: 'virtuos', virtuos, clientHosts: 0})
  return {host, machine, params, system, v: virtuosOf(system)}
}
