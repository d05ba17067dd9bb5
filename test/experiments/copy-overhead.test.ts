import {describe, expect, it} from 'vitest'
import {copyOverhead, copyOverheadWorkload} from '../../src/experiments/copy-overhead.js'
import {loadProfile} from '../../src/config/index.js'
import type {ExperimentDef, Point, SystemId} from '../../src/experiments/types.js'
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
