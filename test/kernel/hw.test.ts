/**
 * The disk's completion interrupt is charged on every path, once: the interrupt and the block
 * layer's completion work on the interrupt core of the kernel that owns the disk (a PV domain's
 * interrupt with Xen's pirq upcall), before the reader wakes.
 */
import {describe, expect, it} from 'vitest'
import {driverDomainOf, GUEST_DOMAIN} from '../../src/kernel/driver-domain/index.js'
import {blockCompletion, diskIrqCore} from '../../src/kernel/hw.js'
import type {Kernel} from '../../src/kernel/kernel.js'
import {buildSystem, type System} from '../../src/kernel/systems.js'
import {O} from '../../src/kernel/types.js'
import {virtuosOf} from '../../src/kernel/virtuos/index.js'
import {pvPhysicalIrqExtra} from '../../src/machine/cost.js'
import {Machine} from '../../src/machine/machine.js'
import {e5520Params} from '../machine/fixture.js'
import {nativeSystem} from './fixture.js'
import {KernelTestHost} from './host.js'

const MiB = 1 << 20

/** Every steal on `kernel`'s cores: where, how much, when. */
function recordSteals(kernel: Kernel, host: KernelTestHost): {core: number; cycles: number; at: number}[] {
  const log: {core: number; cycles: number; at: number}[] = []
  const steal = kernel.sched.steal.bind(kernel.sched)
  kernel.sched.steal = (core, cycles) => {
    log.push({core, cycles, at: host.now})
    return steal(core, cycles)
  }
  return log
}

/** One 4 KiB read that misses the page cache; returns the cycle the reader had its data. */
function readMiss(system: System, host: KernelTestHost, path: string): number {
  let end = -1
  system.spawnProcess(function* (sys) {
    const fd = (yield* sys.open(path, O.RDONLY)).ret
    expect((yield* sys.pread(fd, 4096, 32 * MiB)).ret).toBe(4096)
    end = sys.now()
  })
  host.run()
  return end
}

describe('disk completion interrupt', () => {
  it('native: the interrupt and the block completion land on the IRQ core before the reader wakes', () => {
    const {host, machine, params, system} = nativeSystem()
    const k = system.kernel('native')
    k.vfs.preload('/data/big', 64 * MiB)
    const steals = recordSteals(k, host)
    const end = readMiss(system, host, '/data/big')
    expect(machine.disk.served).toBe(1)
    const handler = params.disk.interrupt + blockCompletion(params)
    expect(steals).toEqual([{core: diskIrqCore(k.sched), cycles: handler, at: expect.any(Number)}])
    expect(end).toBeGreaterThanOrEqual(steals[0].at + handler)
    expect(k.sched.busyCycles(diskIrqCore(k.sched))).toBeGreaterThanOrEqual(handler)
  })

  it("VirtuOS: the storage domain's interrupt core pays the PV interrupt (with the pirq upcall) and the completion", () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    const system = buildSystem(host, new Machine(host, params), params, {system: 'virtuos', clientHosts: 0})
    const storage = virtuosOf(system).domains.storage.kernel
    storage.vfs.preload('/storage/big', 64 * MiB)
    const steals = recordSteals(storage, host)
    const primary = recordSteals(virtuosOf(system).primary, host)
    readMiss(system, host, '/storage/big')
    const handler = params.disk.interrupt + pvPhysicalIrqExtra(params) + blockCompletion(params)
    const disk = steals.filter((s) => s.cycles === handler)
    expect(disk).toHaveLength(1)
    expect(disk[0].core).toBe(storage.sched.cpus[0])
    // the primary has no disk: none of its steals is a disk interrupt
    expect(primary.filter((s) => s.cycles === handler)).toEqual([])
  })

  it('driver domain: the driver domain takes the PV interrupt and its completion, the guest only its own completion', () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    const system = buildSystem(host, new Machine(host, params), params, {system: 'driver-domain', clientHosts: 0})
    const dd = driverDomainOf(system)
    system.kernel(GUEST_DOMAIN).vfs.preload('/data/big', 64 * MiB)
    readMiss(system, host, '/data/big')
    const {cycles} = dd.stats
    expect(dd.stats.blkRequests).toBe(1)
    expect(cycles['driver:diskIrq']).toBe(params.disk.interrupt + pvPhysicalIrqExtra(params))
    expect(cycles['driver:blockCompletion']).toBe(blockCompletion(params))
    expect(cycles['guest:blockCompletion']).toBe(blockCompletion(params))
    expect(cycles['guest:diskIrq']).toBeUndefined() // the guest hears of it by the ring's event channel
  })
})
