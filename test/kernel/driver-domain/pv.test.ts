import {describe, expect, it} from 'vitest'
import {isParavirtualized, paravirtualized} from '../../../src/kernel/dispatch/pv.js'
import {driverDomainOf, GUEST_DOMAIN} from '../../../src/kernel/driver-domain/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import {
  pvContextSwitchExtra,
  pvPhysicalIrqExtra,
  pvTrapEntry,
  pvTrapExit,
  trapEntry,
  trapExit,
} from '../../../src/machine/cost.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

function build(system: string): {host: KernelTestHost; s: System} {
  const params = e5520Params()
  const host = new KernelTestHost()
  return {host, s: buildSystem(host, new Machine(host, params), params, {system, clientHosts: 0})}
}

/** Cycles of the second of two getppid calls (the first warms the thread onto its core). */
function getppidCycles(system: string): number {
  const {host, s} = build(system)
  let cycles = 0
  s.spawnProcess(function* (sys) {
    yield* sys.getppid()
    const t0 = sys.now()
    yield* sys.getppid()
    cycles = sys.now() - t0
  })
  host.run()
  return cycles
}

describe('PV kernel costs (dispatch/pv.ts), shared by driver-domain and virtuos', () => {
  const p = e5520Params()
  const pv = paravirtualized(p)

  it('a PV kernel pays the 64-bit PV trap, the context-switch multicall and the pirq upcall; the rest is native', () => {
    expect(pv.cpu.syscallEntry).toBe(p.cpu.syscallEntry + p.hypervisor.hypercall + p.hypervisor.pvGuestModeSwitch)
    expect(pv.cpu.syscallExit).toBe(p.cpu.syscallExit + p.hypervisor.hypercall + p.hypervisor.pvGuestModeSwitch)
    expect(pv.cpu.contextSwitch).toBe(p.cpu.contextSwitch + pvContextSwitchExtra(p))
    expect(pv.nic.interrupt).toBe(p.nic.interrupt + pvPhysicalIrqExtra(p))
    expect(pv.nic.rxPacketCycles).toBe(p.nic.rxPacketCycles)
    expect(pv.cpu.addressSpaceSwitch).toBe(p.cpu.addressSpaceSwitch)
    expect(paravirtualized(pv)).toBe(pv) // not applied twice
    expect(paravirtualized(p)).toBe(pv)
    expect(isParavirtualized(pv)).toBe(true)
    expect(isParavirtualized(p)).toBe(false)
  })

  it('every kernel of driver-domain and virtuos is PV; native is not', () => {
    for (const system of ['driver-domain', 'virtuos']) {
      for (const k of build(system).s.kernels) expect(isParavirtualized(k.params)).toBe(true)
    }
    for (const k of build('native').s.kernels) expect(isParavirtualized(k.params)).toBe(false)
  })

  it('getppid in the driver-domain guest costs native + exactly the PV trap extra', () => {
    const extra = pvTrapEntry(p) + pvTrapExit(p) - trapEntry(p) - trapExit(p)
    expect(extra).toBe(2 * (p.hypervisor.hypercall + p.hypervisor.pvGuestModeSwitch))
    expect(getppidCycles('driver-domain') - getppidCycles('native')).toBe(extra)
  })

  it("virtuos's local getppid (primary = dom0, a PV guest) pays the same PV trap, plus the library's routing", () => {
    const extra = pvTrapEntry(p) + pvTrapExit(p) - trapEntry(p) - trapExit(p)
    const d = getppidCycles('virtuos') - getppidCycles('native')
    expect(d).toBeGreaterThanOrEqual(extra)
    expect(d).toBeLessThan(extra + 1000)
  })
})

describe('netfront/netback per frame', () => {
  function ddNet() {
    const {host, s} = build('driver-domain')
    const b = driverDomainOf(s)
    const busy = () => ({
      guest0: b.guest.sched.busyCycles(b.cores.guest[0]),
      driver0: b.driver.sched.busyCycles(b.cores.driver[0]),
    })
    return {host, s, b, busy}
  }

  it('one frame: the sender pays netfront + the notify hypercall; netback pays the upcall, its work and the grant copy on the driver vCPU; the tx completion upcall lands on the guest', () => {
    const {host, b, busy} = ddNet()
    const p = b.guest.params
    const sent: number[] = []
    const front = b.net.txCost() // in the sender's context (charged by the stack's txCost)
    b.net.send(() => sent.push(host.now))
    host.run()
    const st = b.stats
    expect(sent).toHaveLength(1)
    expect(st.eventsToDriver).toBe(1)
    expect(st.eventsSuppressed).toBe(0)
    expect(st.cycles['guest:evtchnSend']).toBe(p.hypervisor.eventChannelSend)
    expect(front).toBe(
      Math.ceil(b.guest.params.nic.txPacketCycles * 0) +
        st.cycles['guest:evtchnSend'] +
        Math.ceil(1000 / p.cpu.kernelIpc),
    )
    expect(st.cycles['driver:virq']).toBe(p.hypervisor.virqDelivery)
    expect(st.cycles['driver:grant']).toBe(p.hypervisor.grantCopyPerPage)
    // the tx response: one notification back, one upcall on the guest's first vCPU
    expect(st.eventsToGuest).toBe(1)
    expect(st.cycles['guest:virq']).toBe(p.hypervisor.virqDelivery)
    const b1 = busy()
    expect(b1.driver0).toBe(
      Object.entries(st.cycles)
        .filter(([k]) => k.startsWith('driver:'))
        .reduce((a, [, v]) => a + v, 0),
    )
    expect(b1.guest0).toBeGreaterThanOrEqual(p.hypervisor.virqDelivery)
    expect(b.net.tx.inFlight).toBe(0)
  })

  it('batching: frames pushed while netback works through the ring send no notification (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY)', () => {
    const {host, b} = ddNet()
    for (let i = 0; i < 5; i++) {
      b.net.txCost()
      b.net.send(() => {})
    }
    host.run()
    expect(b.stats.netTxFrames).toBe(5)
    expect(b.stats.eventsToDriver).toBe(1)
    expect(b.stats.eventsSuppressed).toBe(4)
    expect(b.stats.cycles['driver:virq']).toBe(b.guest.params.hypervisor.virqDelivery)
    // tx completions ride on a pending notification: fewer upcalls than frames
    expect(b.stats.eventsToGuest).toBeLessThan(5)
    expect(b.net.tx.inFlight).toBe(0)
  })

  it("the driver domain's NIC interrupt is a PV domain's: native handler + Xen's pirq upcall", () => {
    const {b} = ddNet()
    const p = e5520Params()
    expect(b.driver.params.nic.interrupt).toBe(p.nic.interrupt + p.hypervisor.virqDelivery)
    expect(b.guest.domain).toBe(GUEST_DOMAIN)
  })
})
