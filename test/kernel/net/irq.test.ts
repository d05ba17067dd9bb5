/**
 * Receive interrupts: their softirq work queues per core (issue 16, finding 2), and where they run
 * is the profile's kernel.irqPlacement, applied alike by every system (finding 1).
 */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/load.js'
import {UsageError} from '../../../src/errors.js'
import type {Kernel} from '../../../src/kernel/kernel.js'
import {irqCoreOf} from '../../../src/kernel/net/irq.js'
import {SERVER_HOST} from '../../../src/kernel/net/network.js'
import {buildSystem} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
import type {MachineParams} from '../../../src/machine/params.js'
import {e5520Params} from '../../machine/fixture.js'
import {nativeSystem} from '../fixture.js'
import {KernelTestHost} from '../host.js'

describe('softirq queue', () => {
  it('two receive batches on one interrupt core are processed one after the other', () => {
    const {host, params, system} = nativeSystem()
    const stack = system.kernel('native').net
    const at: number[] = []
    stack.receiveBatch([{flow: 1, arrive: () => at.push(host.now)}])
    stack.receiveBatch([{flow: 2, arrive: () => at.push(host.now)}])
    host.run()
    const one = params.nic.interrupt + params.nic.rxPacketCycles
    expect(at).toEqual([one, 2 * one])
    expect(system.kernel('native').sched.irqCycles(0)).toBe(2 * one)
  })

  it('frames of one interrupt are handed up one by one, each once its own receive work is done', () => {
    const {host, params, system} = nativeSystem()
    const stack = system.kernel('native').net
    const at: number[] = []
    stack.receiveBatch([1, 2, 3].map((flow) => ({flow, arrive: () => at.push(host.now)})))
    host.run()
    const {interrupt, rxPacketCycles: rx} = params.nic
    expect(at).toEqual([interrupt + rx, interrupt + 2 * rx, interrupt + 3 * rx])
  })

  it('with spread, flows on different cores are processed side by side', () => {
    const base = e5520Params()
    const {host, params, system} = nativeSystem({params: withPlacement(base, 'spread')})
    const stack = system.kernel('native').net
    const at: number[] = []
    stack.receiveBatch([
      {flow: 0, arrive: () => at.push(host.now)},
      {flow: 1, arrive: () => at.push(host.now)},
    ])
    host.run()
    const one = params.nic.interrupt + params.nic.rxPacketCycles
    expect(at).toEqual([one, one])
    expect(stack.stats.interrupts).toBe(2) // one per receive queue
  })
})

function withPlacement(p: MachineParams, irqPlacement: 'core0' | 'spread'): MachineParams {
  return {...p, kernel: {...p.kernel, irqPlacement}}
}

/** Cores of each kernel that did interrupt work after two frames of flows 0 and 1 came in from the wire. */
function irqCoresAfterTwoFlows(system: string, irqPlacement: 'core0' | 'spread'): Record<string, number[]> {
  const params = withPlacement(e5520Params(), irqPlacement)
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const s = buildSystem(host, machine, params, {system, clientHosts: 1})
  const network = s.kernels.find((k) => k.net.network !== null)!.net.network!
  let arrived = 0
  for (const flow of [0, 1]) network.send('client0', SERVER_HOST, 100, {flow, arrive: () => arrived++})
  host.run()
  expect(arrived).toBe(2)
  const cores = (k: Kernel) => k.sched.cpus.filter((c) => k.sched.irqCycles(c) > 0)
  return Object.fromEntries(s.kernels.map((k) => [k.domain, cores(k)]).filter(([, c]) => c.length > 0))
}

describe('kernel.irqPlacement', () => {
  const expected = {
    native: ['native'],
    flexsc: ['native'],
    virtuos: ['network'],
    // netback in the driver domain, netfront and the stack in the guest
    'driver-domain': ['driver', 'primary'],
  }
  for (const [system, domains] of Object.entries(expected)) {
    it(`${system}: core0 takes every flow on the first core, spread puts two flows on two cores`, () => {
      const one = irqCoresAfterTwoFlows(system, 'core0')
      const two = irqCoresAfterTwoFlows(system, 'spread')
      expect(Object.keys(one).sort()).toEqual(domains)
      expect(Object.keys(two).sort()).toEqual(domains)
      for (const d of domains) {
        expect(one[d]).toHaveLength(1)
        expect(two[d]).toHaveLength(2)
        expect(two[d]).toContain(one[d][0])
      }
    })
  }

  it("the client hosts take theirs by clients.irqPlacement, apart from the servers' (spread by default)", () => {
    const clientCores = (clients: 'core0' | 'spread') => {
      const base = withPlacement(e5520Params(), 'core0')
      const params = {...base, clients: {...base.clients, irqPlacement: clients}}
      const host = new KernelTestHost()
      const s = buildSystem(host, new Machine(host, params), params, {system: 'native', clientHosts: 1})
      const client = s.clients.hosts[0].kernel
      for (const flow of [0, 1]) client.net.network!.send(SERVER_HOST, 'client0', 100, {flow, arrive: () => {}})
      host.run()
      return client.sched.cpus.filter((c) => client.sched.irqCycles(c) > 0).length
    }
    expect(clientCores('spread')).toBe(2)
    expect(clientCores('core0')).toBe(1)
    expect(loadProfile().params.clients.irqPlacement).toBe('spread')
  })

  it('spread hashes a flow to one core of the given ones; core0 is always the first', () => {
    const cpus = [4, 5, 6, 7]
    for (const flow of [0, 1, 2, 3, 12345, 2 ** 31]) {
      expect(cpus).toContain(irqCoreOf('spread', cpus, flow))
      expect(irqCoreOf('core0', cpus, flow)).toBe(4)
    }
    expect(new Set([0, 1, 2, 3].map((f) => irqCoreOf('spread', cpus, f))).size).toBe(4)
  })

  it('is a profile key: --set accepts core0 and spread, anything else is one line naming the key', () => {
    expect(loadProfile({set: ['kernel.irqPlacement=spread']}).params.kernel.irqPlacement).toBe('spread')
    expect(loadProfile().params.kernel.irqPlacement).toBe('core0')
    const bad = () => loadProfile({set: ['kernel.irqPlacement=rss']})
    expect(bad).toThrow(UsageError)
    expect(bad).toThrow(/kernel\.irqPlacement\.value: expected one of "core0", "spread", found "rss"/)
    try {
      bad()
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1)
    }
  })
})
