/**
 * Core allocation is a profile key group (`cores`): each design's domains get the cores it gives,
 * consecutive from core 0; an allocation that does not fit the machine is one line naming it.
 */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import '../../src/kernel/systems.js'
import {driverDomainOf} from '../../src/kernel/driver-domain/index.js'
import {flexscOf} from '../../src/kernel/flexsc/index.js'
import {buildSystem} from '../../src/kernel/system.js'
import {virtuosOf} from '../../src/kernel/virtuos/index.js'
import {Machine} from '../../src/machine/machine.js'
import {KernelTestHost} from '../kernel/host.js'

function build(system: string, set: string[] = [], options: Record<string, unknown> = {}) {
  const {params} = loadProfile({set})
  const host = new KernelTestHost()
  return buildSystem(host, new Machine(host, params), params, {system, clientHosts: 0, ...options})
}

function errorLines(f: () => unknown): string[] {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return (e as Error).message.split('\n')
  }
  throw new Error('expected a UsageError')
}

const cpus = (s: ReturnType<typeof build>) => Object.fromEntries(s.kernels.map((k) => [k.domain, k.sched.cpus]))

describe('core allocation (profile group cores)', () => {
  it("the E5520 profile's allocation: native on all 8 cores, VirtuOS 4/2/2, driver domain 4/4", () => {
    expect(cpus(build('native'))).toEqual({native: [0, 1, 2, 3, 4, 5, 6, 7]})
    expect(cpus(build('virtuos'))).toEqual({primary: [0, 1, 2, 3], storage: [4, 5], network: [6, 7]})
    expect(cpus(build('driver-domain'))).toEqual({primary: [0, 1, 2, 3], driver: [4, 5, 6, 7]})
    const remote = build('flexsc', [], {flexsc: {placement: 'remote-core'}})
    expect(flexscOf(remote).env.fp.syscallCores).toEqual([7])
  })

  it('--set moves the domains: each takes its count of cores after the previous one', () => {
    const v = build('virtuos', ['cores.virtuosPrimary=3', 'cores.virtuosNetwork=3'])
    expect(virtuosOf(v).primary.sched.cpus).toEqual([0, 1, 2])
    expect(cpus(v)).toMatchObject({storage: [3, 4], network: [5, 6, 7]})
    const d = driverDomainOf(build('driver-domain', ['cores.driverDomainGuest=6', 'cores.driverDomainDriver=2']))
    expect([d.guest.sched.cpus, d.driver.sched.cpus]).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
    ])
    expect(cpus(build('native', ['cores.nativeApplication=4']))).toEqual({native: [0, 1, 2, 3]})
    const remote = build('flexsc', ['cores.flexscSyscall=2'], {flexsc: {placement: 'remote-core'}})
    expect(flexscOf(remote).env.fp.syscallCores).toEqual([6, 7])
  })

  it("an allocation that does not fit the machine's cores is one line per design", () => {
    expect(errorLines(() => loadProfile({set: ['cores.virtuosPrimary=5']}))).toEqual([
      'configs/xeon-e5520.json with --set cores.virtuosPrimary=5: cores: expected virtuosPrimary + ' +
        'virtuosStorage + virtuosNetwork <= machine.cores = 8, found 5 + 2 + 2 = 9',
    ])
    expect(errorLines(() => loadProfile({set: ['cores.nativeApplication=9']}))).toEqual([
      'configs/xeon-e5520.json with --set cores.nativeApplication=9: cores.nativeApplication.value: ' +
        'expected at most machine.cores = 8, found 9',
    ])
    expect(errorLines(() => loadProfile({set: ['machine.cores=4']}))).toHaveLength(3) // native, virtuos, driver domain
    expect(errorLines(() => loadProfile({set: ['cores.flexscSyscall=0']}))[0]).toMatch(
      /cores\.flexscSyscall\.value: expected a positive integer, found 0$/,
    )
  })
})
