import {describe, expect, it} from 'vitest'
import {copyOverhead, copyOverheadWorkload} from '../../src/experiments/copy-overhead.js'
import {loadProfile} from '../../src/config/index.js'
import type {ExperimentDef, Point, SystemId} from '../../src/experiments/types.js'
import {STORAGE_TMPFS} from '../../src/kernel/vfs/vfs.js'
import {buildBench, callMix, runBench} from '../../src/workloads/common.js'
import {copyWorkload} from '../../src/workloads/micro.js'
import {storageKernel} from '../../src/workloads/storage.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
/** One quick point on the default profile. */
const metricsAt = (def: ExperimentDef, point: Point, system: SystemId, seed = 1) =>
  def.run(point, system, {seed, quick: true, profile}).metrics

const perCallSeconds = (bytes: number, mbPerS: number) => bytes / (mbPerS * 1e6)

describe('copy-overhead', () => {
  it("sweeps the copying plot's 32 B to 2 MiB: all 17 powers of two in full, a subset in quick; its workload file loads", () => {
    const axis = copyOverhead.axes.find((a) => a.name === 'buffer_bytes')!
    expect(axis.full).toEqual(Array.from({length: 17}, (_, i) => 32 * 2 ** i))
    expect(axis.quick[0]).toBe(32)
    expect(axis.quick.at(-1)).toBe(2 * 1024 * 1024)
    expect(axis.quick.every((v) => axis.full.includes(v))).toBe(true)
    expect(axis.quick.length).toBeLessThan(axis.full.length)
    // the plot does not say read or write: both run
    expect(copyOverhead.axes.find((a) => a.name === 'op')!.full).toEqual(['read', 'write'])
    expect(copyOverheadWorkload().fileBytes.value).toBe(16 * 1024 * 1024)
  })

  it("runs the plot's tmpfs file (quick and full; full keeps the page-cached file too), and Fig. B's points are on it", () => {
    const target = copyOverhead.axes.find((a) => a.name === 'target')!
    expect(target.quick).toEqual(expect.arrayContaining(['tmpfs', 'socket']))
    expect(target.full).toEqual(expect.arrayContaining(['tmpfs', 'file', 'socket']))
    const published = copyOverhead.reference!
    expect(published.length).toBeGreaterThan(0)
    for (const p of published) expect(p.point.target).toBe('tmpfs')
  })

  it("the tmpfs target's file lives in the storage domain's tmpfs: its calls go there and touch no disk", () => {
    for (const op of ['read', 'write'] as const) {
      const load = copyWorkload({
        op,
        target: 'tmpfs',
        bufferBytes: 4096,
        warmupCalls: 2,
        measuredCalls: 10,
        fileBytes: 1 << 20,
        partnerBytes: 65536,
        port: 7200,
      })
      const b = buildBench(1, profile.params, 'virtuos')
      b.system.spawnProcess(load.program)
      runBench(b, load.finished)
      expect(callMix(b.system)).toEqual({'storage:open': 1, 'storage:write': 4, [`storage:p${op}`]: 12})
      const vfs = storageKernel(b.system).vfs
      expect(vfs.lookup(`${STORAGE_TMPFS}/copy`)?.shmem).toBe(true)
      expect(vfs.cache.dirtyCount).toBe(0)
      expect(b.machine.disk.served).toBe(0)
      expect(load.result.bytes).toBe(10 * 4096)
    }
  })

  it('a 4 MiB call takes longer than a 64 B call, and moves bytes faster', () => {
    const small = metricsAt(copyOverhead, {target: 'file', op: 'read', buffer_bytes: 64}, 'native').throughput_mb_per_s
    const big = metricsAt(
      copyOverhead,
      {target: 'file', op: 'read', buffer_bytes: 4 << 20},
      'native',
    ).throughput_mb_per_s
    expect(perCallSeconds(4 << 20, big)).toBeGreaterThan(perCallSeconds(64, small))
    expect(big).toBeGreaterThan(small)
  })

  it('virtuos pays for the extra copy through the data region on large buffers', () => {
    for (const op of ['read', 'write']) {
      const point = {target: 'file', op, buffer_bytes: 1 << 20}
      const native = metricsAt(copyOverhead, point, 'native').throughput_mb_per_s
      const virtuos = metricsAt(copyOverhead, point, 'virtuos').throughput_mb_per_s
      expect(virtuos).toBeLessThan(native)
    }
  })

  it('socket reads and writes over loopback run and are deterministic', () => {
    const a = metricsAt(copyOverhead, {target: 'socket', op: 'read', buffer_bytes: 16384}, 'virtuos', 3)
    const b = metricsAt(copyOverhead, {target: 'socket', op: 'read', buffer_bytes: 16384}, 'virtuos', 3)
    expect(a).toEqual(b)
    expect(a.throughput_mb_per_s).toBeGreaterThan(0)
    expect(
      metricsAt(copyOverhead, {target: 'socket', op: 'write', buffer_bytes: 16384}, 'native').throughput_mb_per_s,
    ).toBeGreaterThan(0)
  })

  it('flexsc runs a bulk socket read: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    expectRunsThroughFlexsc(copyOverhead, {target: 'socket', op: 'read', buffer_bytes: 16384}, profile, 10)
  })
})
