import {describe, expect, test} from 'vitest'
import * as cost from '../../src/machine/cost.js'
import {InvariantError} from '../../src/errors.js'
import {activeCores, activeSockets, sameSocket, socketOf} from '../../src/machine/topology.js'
import {e5520Params} from './fixture.js'

const p = e5520Params()

describe('topology', () => {
  test('cores are numbered socket-major', () => {
    expect([0, 3, 4, 7].map((c) => socketOf(p, c))).toEqual([0, 0, 1, 1])
    expect(sameSocket(p, 1, 2)).toBe(true)
    expect(sameSocket(p, 3, 4)).toBe(false)
  })
  test('only the first `cores` cores are active', () => {
    const two = {...p, cores: 2}
    expect(activeCores(two)).toEqual([0, 1])
    expect(activeSockets(two)).toBe(1)
    expect(() => socketOf(two, 2)).toThrow(InvariantError)
  })
})

describe('cost functions', () => {
  test('compute rounds up to whole cycles', () => {
    expect(cost.compute(1000, 1.46)).toBe(685)
    expect(cost.compute(0, 1)).toBe(0)
    expect(() => cost.compute(10, 0)).toThrow(InvariantError)
  })
  test('kernel work of a call is its footprint at its kernel IPC', () => {
    expect(cost.kernelWork(p, cost.footprintOf(p, 'pwrite'))).toBe(Math.ceil(5689 / 0.18))
    expect(cost.footprintOf(p, 'no-such-call')).toBe(p.syscalls.defaultFootprint)
  })
  test('trap entry/exit and the PV bounce', () => {
    expect(cost.trapEntry(p) + cost.trapExit(p)).toBe(131)
    // 64-bit PV: native entry/exit + one trip through Xen + one page-table switch each way
    expect(cost.pvTrapEntry(p)).toBe(70 + 1300 + 339)
    expect(cost.pvTrapExit(p)).toBe(61 + 1300 + 339)
    expect(cost.pvContextSwitchExtra(p)).toBe(1300)
    expect(cost.pvPhysicalIrqExtra(p)).toBe(1556)
  })
  test('cache-line transfer: same core, same socket, cross socket', () => {
    expect(cost.lineTransfer(p, 2, 2)).toBe(0)
    expect(cost.lineTransfer(p, 0, 3)).toBe(75)
    expect(cost.lineTransfer(p, 0, 4)).toBe(200)
  })
  test('CAS: uncontended, contended on the same socket and across', () => {
    expect(cost.cas(p, false, 0, 4)).toBe(17)
    expect(cost.cas(p, true, 0, 1)).toBe(17 + 75)
    expect(cost.cas(p, true, 0, 5)).toBe(17 + 200)
    expect(cost.cas(p, true, 3, 3)).toBe(17)
  })
  test('context switch adds the address-space switch only across address spaces', () => {
    expect(cost.contextSwitch(p, true)).toBe(2500)
    expect(cost.contextSwitch(p, false)).toBe(3500)
  })
  test('hypervisor operations', () => {
    expect(cost.ipi(p)).toBe(1500)
    expect(cost.hypercall(p)).toBe(1300)
    expect(cost.eventChannelSend(p)).toBe(1400)
    expect(cost.virqDelivery(p)).toBe(1556)
    expect(cost.grantMap(p, 3)).toBe(3000)
    expect(cost.grantUnmap(p, 2)).toBe(3000)
    expect(cost.grantCopy(p, 4)).toBe(4400)
    expect(cost.spin(p, 5)).toBe(50)
    expect(() => cost.grantMap(p, -1)).toThrow(InvariantError)
  })
})
