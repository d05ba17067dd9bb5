import {describe, expect, test} from 'vitest'
import {maxGoodput, mss, Nic, rxCpu, segments, txCpu, wireBytes, wireTime} from '../../src/machine/nic.js'
import {e5520Params} from './fixture.js'
import {TestHost} from './host.js'

const p = e5520Params()

describe('segmentation and wire rate', () => {
  test('MSS and segment counts', () => {
    expect(mss(p)).toBe(1448)
    expect(segments(p, 0)).toBe(0)
    expect(segments(p, 1448)).toBe(1)
    expect(segments(p, 1449)).toBe(2)
    expect(segments(p, 64 * 1024)).toBe(46)
  })

  test('a full frame is 1,538 bytes and 12.304 us on GigE', () => {
    expect(wireBytes(p, 1448)).toBe(1538)
    expect(wireTime(p, 1538) / p.clockHz).toBeCloseTo(12.304e-6, 9)
    expect(wireBytes(p, 1)).toBe(91)
  })

  test('a 1500-byte MTU stream reaches ~941 Mb/s goodput (derived, costs.md 1.9)', () => {
    expect(maxGoodput(p) / 1e6).toBeCloseTo(941.5, 0)
    const host = new TestHost()
    const nic = new Nic(host, p)
    let last = 0
    const n = 2000
    for (let i = 0; i < n; i++) nic.tx.send({payload: 1448, data: i}, (_f, at) => (last = at))
    host.run()
    const seconds = (last - p.nic.linkLatency) / p.clockHz
    expect((n * 1448 * 8) / seconds / 1e6).toBeCloseTo(941.5, 0)
  })

  test('small packets are CPU bound, full frames wire bound', () => {
    const cpuPps = p.clockHz / p.nic.txPacketCycles
    const smallWirePps = p.clockHz / wireTime(p, wireBytes(p, 64))
    const fullWirePps = p.clockHz / wireTime(p, wireBytes(p, 1448))
    expect(cpuPps).toBeLessThan(smallWirePps)
    expect(fullWirePps).toBeLessThan(cpuPps)
    expect(txCpu(p, 10)).toBe(40_000)
    expect(rxCpu(p, 16)).toBe(16 * 6000 + 2 * 3000)
  })
})

describe('receive path', () => {
  test('frames reach the server after serialisation and link latency, in order', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const at1 = nic.receive({payload: 100, data: 'a'})
    const at2 = nic.receive({payload: 100, data: 'b'})
    expect(at1).toBe(Math.ceil(wireTime(p, wireBytes(p, 100))) + p.nic.linkLatency)
    expect(at2).toBeGreaterThan(at1)
  })

  test('interrupts are coalesced: 16 frames -> 2 interrupts; 3 frames -> 1 after the delay', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const batches: number[] = []
    nic.onInterrupt = (frames) => batches.push(frames.length)
    for (let i = 0; i < 16; i++) nic.receive({payload: 1448, data: i})
    host.run()
    expect(batches).toEqual([8, 8])
    for (let i = 0; i < 3; i++) nic.receive({payload: 64, data: i})
    host.run()
    expect(batches).toEqual([8, 8, 3])
    expect(nic.interrupts).toBe(3)
  })

  test('the two directions are independent (full duplex)', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const tx = nic.tx.send({payload: 1448, data: 0}, () => {})
    const rx = nic.receive({payload: 1448, data: 0})
    expect(tx).toBe(rx)
  })
})
