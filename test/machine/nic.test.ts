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

  test('a 1500-byte MTU stream reaches ~941 Mb/s goodput (derived: 1448 payload bytes per 1538 on the wire)', () => {
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

  test("the interrupt line is connected once, by the NIC's owner", () => {
    const nic = new Nic(new TestHost(), p)
    nic.connectInterrupt(() => {})
    expect(() => nic.connectInterrupt(() => {})).toThrow(/already connected/)
  })

  test('a frame that finds the NIC idle interrupts at once (no moderation delay)', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const fired: {n: number; at: number}[] = []
    nic.connectInterrupt((frames, at) => fired.push({n: frames.length, at}))
    const arrival = nic.receive({payload: 64, data: 0})
    host.run()
    expect(fired).toEqual([{n: 1, at: arrival}])
    // a request/response pace (one frame every 200 us) never waits either
    const arrivals: number[] = []
    for (let i = 1; i <= 5; i++)
      host.at(host.now + i * 200e-6 * p.clockHz, () => arrivals.push(nic.receive({payload: 64, data: i})))
    host.run()
    expect(fired.slice(1).map((f) => f.at)).toEqual(arrivals)
    expect(fired.every((f) => f.n === 1)).toBe(true)
  })

  test('under load interrupts are coalesced up to framesPerInterrupt, never held past the longest interval', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const batches: number[] = []
    const waits: number[] = []
    const arrivedAt = new Map<number, number>()
    nic.connectInterrupt((frames, at) => {
      batches.push(frames.length)
      for (const f of frames) waits.push(at - arrivedAt.get(f.data as number)!)
    })
    // many clients' small requests back to back (0.7 us apart on the wire)
    const n = 64
    for (let i = 0; i < n; i++) arrivedAt.set(i, nic.receive({payload: 64, data: i}))
    host.run()
    expect(batches.reduce((a, b) => a + b, 0)).toBe(n)
    expect(batches[0]).toBe(1) // the first frame found the NIC idle
    expect(batches.length).toBeLessThan(n / 4) // coalesced
    expect(Math.max(...batches)).toBe(p.nic.framesPerInterrupt)
    expect(Math.max(...waits)).toBeLessThanOrEqual(p.nic.maxInterruptDelay)
    expect(nic.interrupts).toBe(batches.length)
    // after a quiet spell the next frame is alone again and immediate
    host.at(host.now + 10e-3 * p.clockHz, () => arrivedAt.set(n, nic.receive({payload: 64, data: n})))
    host.run()
    expect(batches.at(-1)).toBe(1)
    expect(waits.at(-1)).toBe(0)
  })

  test('the two directions are independent (full duplex)', () => {
    const host = new TestHost()
    const nic = new Nic(host, p)
    const tx = nic.tx.send({payload: 1448, data: 0}, () => {})
    const rx = nic.receive({payload: 1448, data: 0})
    expect(tx).toBe(rx)
  })
})
