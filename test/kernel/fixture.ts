/** Building a native system for kernel tests. */
import {Machine} from '../../src/machine/machine.js'
import type {MachineParams} from '../../src/machine/params.js'
import type {KernelParams} from '../../src/kernel/params.js'
import {buildSystem, type System} from '../../src/kernel/system.js'
import {e5520Params} from '../machine/fixture.js'
import {KernelTestHost} from './host.js'

export interface TestSystem {
  host: KernelTestHost
  machine: Machine
  params: MachineParams
  system: System
}

export function nativeSystem(
  opts: {cores?: number; kernel?: Partial<KernelParams>; params?: MachineParams} = {},
): TestSystem {
  const base = opts.params ?? e5520Params()
  const cores = opts.cores ?? base.cores
  const params: MachineParams = {
    ...base,
    cores,
    coreAllocation: {...base.coreAllocation, nativeApplication: cores},
  }
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const system = buildSystem(host, machine, params, {system: 'native', kernel: opts.kernel})
  return {host, machine, params, system}
}
