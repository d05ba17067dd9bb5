/** Hypervisor-mode counters (dispatch/pv.ts countInXen): what a PV domain spends in Xen, counted for that domain. */
import {describe, expect, it} from 'vitest'
import {xenTrapShare, paravirtualized} from '../../src/kernel/dispatch/pv.js'
import {buildSystem} from '../../src/kernel/systems.js'
import {Machine} from '../../src/machine/machine.js'
import {O} from '../../src/kernel/types.js'
import {e5520Params} from '../machine/fixture.js'
import {KernelTestHost} from './host.js'

/** A run of `calls` getppid traps, then a file written and synced to the disk, on `system`; its machine. */
function run(system: string, calls: number): Machine {
  const params = e5520Params()
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const s = buildSystem(host, machine, params, {system, clientHosts: 0})
  s.spawnProcess(function* (sys) {
    for (let i = 0; i < calls; i++) yield* sys.getppid()
    const fd = (yield* sys.open('/storage/f', O.CREAT | O.RDWR)).ret
    yield* sys.write(fd, 8192)
    yield* sys.fsync(fd) // to the disk: through the split drivers or the storage domain's
  })
  host.run()
  return machine
}

describe('hypervisor mode', () => {
  it('native and FlexSC spend nothing in Xen: no hypervisor-mode cycles', () => {
    for (const system of ['native', 'flexsc']) {
      const t = run(system, 20).counters.sum({mode: 'hypervisor'})
      expect(t.cycles, system).toBe(0)
      expect(t.instructions, system).toBe(0)
    }
  })

  it("a PV guest's traps count Xen's share of each entry and exit for the guest, at the profile's hypervisor IPC", () => {
    const params = e5520Params()
    const share = xenTrapShare(paravirtualized(params))
    expect(share).toBe(params.hypervisor.hypercall + params.hypervisor.pvGuestModeSwitch)
    expect(xenTrapShare(params)).toBe(0)
    const few = run('driver-domain', 10).counters
    const many = run('driver-domain', 110).counters
    const guest = (c: typeof few) => c.sum({mode: 'hypervisor', domain: 'primary'})
    // 100 more getppid calls: 100 more round trips through Xen, nothing else
    expect(guest(many).cycles - guest(few).cycles).toBe(100 * 2 * share)
    const t = guest(many)
    expect(Math.abs(t.instructions - t.cycles * params.hypervisor.ipc)).toBeLessThan(t.cycles * 0.01)
    // grant operations, event channels and upcalls of the split drivers count for the driver domain
    expect(many.sum({mode: 'hypervisor', domain: 'driver'}).cycles).toBeGreaterThan(0)
  })

  it("VirtuOS counts Xen's work for the primary and the storage domain it calls", () => {
    const c = run('virtuos', 10).counters
    expect(c.sum({mode: 'hypervisor', domain: 'primary'}).cycles).toBeGreaterThan(0)
    expect(c.sum({mode: 'hypervisor', domain: 'storage'}).cycles).toBeGreaterThan(0)
    expect(c.sum({mode: 'hypervisor', domain: 'native'}).cycles).toBe(0)
  })
})
