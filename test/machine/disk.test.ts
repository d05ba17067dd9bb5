import {describe, expect, test} from 'vitest'
import {Disk, diskGeometry, rotationalLatency, seekTime, transferTime} from '../../src/machine/disk.js'
import {e5520Params} from './fixture.js'
import {TestHost} from './host.js'

const p = e5520Params()
const d = p.disk
const {tracks, sectorsPerTrack} = diskGeometry(p)
const totalSectors = tracks * sectorsPerTrack - 64

/** Deterministic 32-bit LCG for test inputs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
}

function readOnce(host: TestHost, disk: Disk, sector: number, bytes = 4096): number {
  let doneAt = -1
  const start = host.now
  disk.submit({sector, bytes, write: false}, (t) => (doneAt = t))
  host.run()
  return doneAt - start
}

describe('disk service time', () => {
  test('seek: 0 on the same track, track-to-track, average at 1/3 stroke, full stroke', () => {
    expect(seekTime(p, 0)).toBe(0)
    expect(seekTime(p, 1)).toBeLessThan(d.trackSeek * 1.05)
    expect(seekTime(p, Math.round(tracks / 3))).toBeCloseTo(d.avgSeek, -4)
    expect(seekTime(p, tracks)).toBe(d.fullSeek)
  })

  test('rotational latency is between 0 and one revolution', () => {
    for (let t = 0; t < d.rotation; t += d.rotation / 7) {
      const r = rotationalLatency(p, Math.round(t), 12345)
      expect(r).toBeGreaterThanOrEqual(0)
      expect(r).toBeLessThanOrEqual(d.rotation)
    }
  })

  test('a random read costs about overhead + average seek + half a rotation + transfer', () => {
    const rand = lcg(42)
    let sum = 0
    const n = 400
    for (let i = 0; i < n; i++) {
      const host = new TestHost()
      const disk = new Disk(host, p, 'fifo')
      readOnce(host, disk, Math.floor(rand() * totalSectors)) // random head position and time
      host.now += Math.floor(rand() * d.rotation)
      sum += readOnce(host, disk, Math.floor(rand() * totalSectors))
    }
    const expected = d.controllerOverhead + d.avgSeek + d.rotation / 2 + transferTime(p, 4096)
    expect(Math.abs(sum / n - expected) / expected).toBeLessThan(0.15)
  })

  test('a sequential read skips seek and rotation', () => {
    const host = new TestHost()
    const disk = new Disk(host, p)
    readOnce(host, disk, 1000)
    expect(readOnce(host, disk, 1008)).toBe(d.controllerOverhead + transferTime(p, 4096))
    expect(readOnce(host, disk, 5_000_000)).toBeGreaterThan(d.trackSeek)
  })
})

describe('disk queue', () => {
  function batch(schedule: 'fifo' | 'clook') {
    const host = new TestHost()
    const disk = new Disk(host, p, schedule)
    const rand = lcg(7)
    const done: number[] = []
    for (let i = 0; i < 16; i++)
      disk.submit({sector: Math.floor(rand() * totalSectors), bytes: 4096, write: false}, (t) => done.push(t))
    expect(disk.queueLength).toBe(16)
    host.run()
    return {done, disk, makespan: Math.max(...done)}
  }

  test('queued requests wait for each other: latency adds up', () => {
    const {done, disk} = batch('fifo')
    expect(done).toHaveLength(16)
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThan(done[i - 1])
    expect(disk.busyCycles).toBe(Math.max(...done)) // back to back from time 0
    expect(disk.totalLatency / disk.served).toBeGreaterThan(done[0] * 4)
  })

  test('C-LOOK serves the same batch sooner than FIFO', () => {
    expect(batch('clook').makespan).toBeLessThan(batch('fifo').makespan)
  })
})

describe('rotational phase (the platter angle at t=0)', () => {
  const far = Math.floor(totalSectors / 2)
  test('a disk at phase f serves a request at time t as a disk at phase 0 does at time t + f', () => {
    const phase = Math.round(d.rotation * 0.37)
    for (const at of [0, 123_457, Math.round(d.rotation * 2.5)]) {
      const shifted = new Disk(new TestHost(), p)
      shifted.setRotationalPhase(phase)
      expect(shifted.serviceTime({sector: far, bytes: 4096, write: false}, at)).toBe(
        new Disk(new TestHost(), p).serviceTime({sector: far, bytes: 4096, write: false}, at + phase),
      )
    }
  })

  test('two phases give two rotational latencies for the same request at the same time', () => {
    const a = new Disk(new TestHost(), p)
    const b = new Disk(new TestHost(), p)
    b.setRotationalPhase(Math.round(d.rotation / 3))
    const req = {sector: far, bytes: 4096, write: false}
    expect(a.serviceTime(req, 0)).not.toBe(b.serviceTime(req, 0))
    expect(b.rotationalPhase).toBe(Math.round(d.rotation / 3))
  })

  test('rejects a phase outside one revolution or not an integer', () => {
    const disk = new Disk(new TestHost(), p)
    for (const bad of [-1, Math.ceil(d.rotation), 1.5]) expect(() => disk.setRotationalPhase(bad)).toThrow(/phase/)
  })
})
