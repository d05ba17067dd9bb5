/**
 * The kernel's declared ports the driver domain plugs into: a kernel's block device (blkfront),
 * a stack's wire egress (netfront) and the network's interrupt sink (netback).
 */
import {describe, expect, it} from 'vitest'
import {driverDomainOf} from '../../../src/kernel/driver-domain/index.js'
import {spawn} from '../../../src/kernel/engine.js'
import {Kernel} from '../../../src/kernel/kernel.js'
import {SERVER_HOST} from '../../../src/kernel/net/network.js'
import type {WireEgress} from '../../../src/kernel/net/stack.js'
import {buildSystem} from '../../../src/kernel/systems.js'
import type {Gen} from '../../../src/kernel/types.js'
import type {DiskPort} from '../../../src/kernel/vfs/block.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {nativeSystem} from '../fixture.js'
import {KernelTestHost} from '../host.js'
import type {System} from '../../../src/kernel/system.js'

const networkOf = (s: System) => s.kernel('native').net.network!

describe('Kernel option blockDevice', () => {
  it("a kernel's block layer submits to its block device, and the machine disk sees nothing", () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    const machine = new Machine(host, params)
    const seen: {offset: number; bytes: number; write: boolean}[] = []
    const device: DiskPort = {
      *transfer(offsetBytes: number, bytes: number, write: boolean): Gen<void> {
        seen.push({offset: offsetBytes, bytes, write})
        yield 1000
      },
    }
    const k = new Kernel({sim: host, params, machine, domain: 'native', cpus: [0], disk: true, blockDevice: device})
    expect(k.ownsDisk).toBe(true)
    let done = false
    spawn(
      host,
      (function* () {
        yield* k.vfs.block.io(0, 8192, false)
        done = true
      })(),
      'io',
    )
    host.run()
    expect(done).toBe(true)
    expect(seen).toEqual([{offset: 0, bytes: 8192, write: false}])
    expect(machine.disk.served).toBe(0)
  })
})

describe('driver-domain: blkfront is the guest block device', () => {
  it('every request of the guest block layer crosses the blkif ring before it reaches the machine disk', () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    const machine = new Machine(host, params)
    const s = buildSystem(host, machine, params, {system: 'driver-domain', clientHosts: 0})
    const b = driverDomainOf(s)
    b.guest.vfs.preload('/data/f', 64 * 1024)
    s.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/f', 0)).ret
      yield* sys.read(fd, 16 * 1024)
    })
    host.run()
    const block = b.guest.vfs.block
    expect(block.reads).toBeGreaterThan(0)
    expect(b.stats.blkRequests).toBe(block.reads + block.writes)
    expect(machine.disk.served).toBe(b.stats.blkRequests)
  })
})

describe('NetStack.setEgress', () => {
  it('wire segments go through the egress (its txCost added to the stack cost); loopback does not', () => {
    const {host, params, system} = nativeSystem()
    const stack = system.kernel('native').net
    const carried: number[] = []
    const egress: WireEgress = {
      txCost: () => 7,
      send(put) {
        carried.push(host.now)
        host.at(host.now + 100, put)
      },
    }
    expect(stack.txCost('wire')).toBe(params.nic.txPacketCycles)
    stack.setEgress(egress)
    expect(stack.txCost('wire')).toBe(params.nic.txPacketCycles + 7)
    expect(stack.txCost('loop')).toBe(params.nic.txPacketCycles)
    expect(stack.txCost('unix')).toBe(0)

    const client = networkOf(system).stack('client0')!
    let arrived = -1
    stack.route(client, 'wire', 100, 0, () => (arrived = host.now))
    let looped = -1
    stack.route(stack, 'loop', 100, 0, () => (looped = host.now))
    host.run()
    expect(carried).toEqual([0]) // only the wire segment
    expect(looped).toBe(0)
    expect(arrived).toBeGreaterThan(100) // the egress held it, then the NIC carried it
  })
})

describe('Network.setInterruptSink', () => {
  it("the NIC's receive interrupts go to the sink instead of the server stack", () => {
    const {host, system} = nativeSystem()
    const network = networkOf(system)
    const server = network.stack(SERVER_HOST)!
    const batches: number[] = []
    network.setInterruptSink((frames) => batches.push(frames.length))
    let delivered = false
    network.send('client0', SERVER_HOST, 100, {flow: 0, arrive: () => (delivered = true)})
    host.run()
    expect(batches).toEqual([1])
    expect(delivered).toBe(false) // the sink did not deliver it
    expect(server.stats.interrupts).toBe(0)
  })
})
