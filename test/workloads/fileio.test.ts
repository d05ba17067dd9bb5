import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {fileioConfig, fileioWorkload} from '../../src/experiments/fileio.js'
import {Rng} from '../../src/sim/index.js'
import {callMix} from '../../src/workloads/common.js'
import {RandomRequests, requestRate, runFileio, type FileRequest} from '../../src/workloads/fileio.js'
import {storageKernel} from '../../src/workloads/storage.js'

const params = loadProfile().params
/** A small file set (4 files of 64 KiB), so its sweeps are short and a run holds many periods. */
const small = (threads: number) => ({
  ...fileioConfig(fileioWorkload(), params.clockHz, true, threads),
  files: 4,
  totalBytes: 4 * 65536,
  warmupCycles: Math.round(0.005 * params.clockHz),
  measureCycles: Math.round(0.1 * params.clockHz),
})
const gen = (threads = 1, fsyncFreq = 100) =>
  new RandomRequests(
    {threads, files: 128, totalBytes: 128 * 1048576, blockBytes: 16384, rwRatio: 1.5, fsyncFreq},
    new Rng(7, 'test'),
  )

describe('sysbench fileio request generator', () => {
  it('rndrw with ratio 1.5: 3 reads to 2 writes per thread, 16 KiB-aligned blocks inside the file set', () => {
    const g = gen(1, 0)
    const reqs = Array.from({length: 500}, () => g.next(0, 0))
    expect(reqs.filter((r) => r.op === 'read')).toHaveLength(300)
    expect(reqs.filter((r) => r.op === 'write')).toHaveLength(200)
    for (const r of reqs) {
      expect(r.offset % 16384).toBe(0)
      expect(r.offset + 16384).toBeLessThanOrEqual(g.fileBytes)
      expect(r.file).toBeGreaterThanOrEqual(0)
      expect(r.file).toBeLessThan(128)
    }
  })

  it('every 100 requests (once dirty) the next requests fsync each file in turn, then I/O resumes', () => {
    const g = gen()
    const reqs: FileRequest[] = Array.from({length: 100 + 128 + 1}, (_, i) => g.next(0, i))
    expect(reqs.slice(0, 100).every((r) => r.op !== 'fsync')).toBe(true)
    expect(reqs.slice(100, 228).map((r) => (r.op === 'fsync' ? r.file : -1))).toEqual(
      Array.from({length: 128}, (_, i) => i),
    )
    expect(reqs[228].op).not.toBe('fsync')
    expect(g.sweeps).toEqual([{cycles: 100, performed: 100}])
  })

  it('the read/write choice is per thread: each of two threads keeps its own 3:2', () => {
    const g = gen(2, 0)
    const ops = (t: number) => Array.from({length: 5}, () => g.next(t, 0).op)
    expect(ops(0)).toEqual(['read', 'write', 'read', 'write', 'read'])
    expect(ops(1)).toEqual(['read', 'write', 'read', 'write', 'read'])
  })
})

describe('fileio workload', () => {
  it('native: preads and pwrites of one block at 3:2, an fsync per file per sweep; the set starts in the page cache', () => {
    const {run, bench} = runFileio(1, params, 'native', small(2))
    const mix = callMix(bench.system)
    const reads = mix['native:pread']
    const writes = mix['native:pwrite']
    expect(reads + writes).toBe(run.gen.performed)
    expect(Math.abs(reads / writes - 1.5)).toBeLessThan(0.05)
    expect(mix['native:fsync']).toBeGreaterThanOrEqual(4 * (run.gen.sweeps.length - 1))
    expect(mix['native:fsync']).toBeLessThanOrEqual(4 * run.gen.sweeps.length)
    expect(run.gen.sweeps.length).toBeGreaterThan(3)
    expect(storageKernel(bench.system).vfs.cache.stats.misses).toBe(0) // prepared: no read reaches the disk
    expect(requestRate(run, params.clockHz)).toBeGreaterThan(0)
  })

  it('virtuos: every file call goes to the storage domain', () => {
    const {bench} = runFileio(1, params, 'virtuos', small(2))
    const mix = callMix(bench.system)
    for (const name of ['open', 'pread', 'pwrite', 'fsync']) expect(mix[`storage:${name}`]).toBeGreaterThan(0)
    expect(Object.keys(mix).filter((k) => /^primary:(pread|pwrite|fsync)$/.test(k))).toEqual([])
  })

  it('the rate over whole fsync periods: requests between the first and last sweep in the window over their time', () => {
    const {run} = runFileio(1, params, 'native', small(1))
    const w = run.rec.window
    const inside = run.gen.sweeps.filter((s) => s.cycles >= w.fromCycles && s.cycles < w.toCycles)
    expect(inside.length).toBeGreaterThan(2)
    const [a, b] = [inside[0], inside[inside.length - 1]]
    expect(requestRate(run, params.clockHz)).toBeCloseTo(
      (b.performed - a.performed) / ((b.cycles - a.cycles) / params.clockHz),
    )
    expect((b.performed - a.performed) % 100).toBe(0)
  })
})
