import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {flexscBatching, profileFor, published, referenceError} from '../../src/experiments/flexsc-batching.js'
import {findExperiment} from '../../src/experiments/registry.js'
import type {ResultRow} from '../../src/experiments/types.js'
import {syscallOverhead} from '../../src/experiments/syscall-overhead.js'
import {copyOverhead} from '../../src/experiments/copy-overhead.js'

const e5520 = loadProfile()
const ctx = {seed: 1, quick: true, profile: e5520}

describe('flexsc-batching', () => {
  it('is registered and runs on flexsc-i7 unless the run names a profile', () => {
    expect(findExperiment('flexsc-batching')).toBe(flexscBatching)
    expect(profileFor(e5520).name).toBe('flexsc-i7')
    expect(profileFor(e5520).params.clockHz).toBe(2.3e9)
    // an explicit --config of another file is honoured
    const other = loadProfile({config: 'configs/modern-mitigated.json'})
    expect(profileFor(other).params).toBe(other.params)
  })

  it('carries --set overrides given without --config over to flexsc-i7', () => {
    const withSet = loadProfile({set: ['cpu.syscallEntry=200']})
    expect(profileFor(withSet).params.cpu.syscallEntry).toBe(200)
    expect(profileFor(withSet).params.clockHz).toBe(2.3e9)
  })

  it('holds every published point as a ratio vs the synchronous call, with its source', () => {
    const ref = flexscBatching.reference!
    expect(ref).toHaveLength(15)
    expect(ref.filter((r) => r.metric === 'ratio_vs_sync')).toHaveLength(14)
    expect(ref.find((r) => r.metric === 'ns_per_call')).toMatchObject({
      point: {batch: 1, placement: 'remote-core'},
      value: 700,
    })
    expect(ref.every((r) => r.source.includes('FlexSC'))).toBe(true)
    expect(published('same-core', 1).ratio).toBeCloseTo(1.43)
    expect(published('remote-core', 1)).toMatchObject({kind: 'at-least', ratio: 10})
    expect(referenceError(0.9, published('same-core', 2))).toBe(0)
    expect(referenceError(1.1, published('same-core', 2))).toBeCloseTo(10)
    expect(referenceError(1.5, published('same-core', 1))).toBeCloseTo((1.5 / 1.43 - 1) * 100)
  })

  it('reproduces the shape: a lone call costs more, batching wins on the same core, remote pays an IPI and recoups by 64', () => {
    const ratio = (batch: number, placement: string) =>
      flexscBatching.run({batch, placement}, 'flexsc', ctx).metrics.ratio_vs_sync
    const same1 = ratio(1, 'same-core')
    expect(same1).toBeGreaterThan(1)
    expect(ratio(2, 'same-core')).toBeLessThan(same1)
    expect(ratio(32, 'same-core')).toBeLessThan(0.6)
    expect(ratio(1, 'remote-core')).toBeGreaterThan(10)
    expect(ratio(64, 'remote-core')).toBeLessThan(1)
    const native = flexscBatching.run({batch: 1, placement: 'same-core'}, 'native', ctx)
    expect(native.metrics).toMatchObject({ratio_vs_sync: 1, ref_error_pct: 0})
    const r = flexscBatching.run({batch: 1, placement: 'same-core'}, 'flexsc', ctx)
    expect(r.notes?.[0]).toMatch(/published: .*error/)
  })

  it('checks its claim from its own reference points: each within its bound or 15% of its value', () => {
    const row = (batch: number, placement: string, metric: string, value: number): ResultRow => ({
      experiment: 'flexsc-batching',
      system: 'flexsc',
      params: {batch, placement},
      metric,
      value,
      unit: '',
      better: 'lower',
      nativeValue: null,
      ratioVsNative: null,
      seed: 1,
      profile: 'flexsc-i7',
    })
    const good = [
      row(1, 'same-core', 'ratio_vs_sync', 1.5),
      row(2, 'same-core', 'ratio_vs_sync', 0.9),
      row(32, 'same-core', 'ratio_vs_sync', 0.45),
      row(1, 'remote-core', 'ratio_vs_sync', 10),
      row(32, 'remote-core', 'ratio_vs_sync', 1.1),
      row(1, 'remote-core', 'ns_per_call', 750),
    ]
    expect(flexscBatching.claimCheck!(good).holds).toBe(true)
    // two batched same-core calls 30% slower than a trap fail; so does a remote call far above the axis
    expect(
      flexscBatching.claimCheck!([good[0], ...good.slice(2), row(2, 'same-core', 'ratio_vs_sync', 1.3)]).holds,
    ).toBe(false)
    // the same-core points at batch 1 and 32 are the ones the per-entry costs were fitted to: not judged
    expect(flexscBatching.claimCheck!([...good.slice(1), row(1, 'same-core', 'ratio_vs_sync', 1.86)]).holds).toBe(true)
    const slow = flexscBatching.claimCheck!([...good.slice(0, 5), row(1, 'remote-core', 'ns_per_call', 1400)])
    expect(slow.holds).toBe(false)
    expect(slow.detail).toMatch(/batch=1, placement=remote-core/)
    expect(flexscBatching.claimCheck!([]).holds).toBe(null)
  })

  it('native, flexsc, driver-domain and virtuos all run small points of existing experiments', () => {
    for (const system of ['native', 'flexsc', 'driver-domain', 'virtuos'] as const) {
      const a = syscallOverhead.run({syscall: 'getppid', threads: 1}, system, ctx)
      expect(a.metrics.latency_ns).toBeGreaterThan(0)
      const b = copyOverhead.run({target: 'file', op: 'read', buffer_bytes: 4096}, system, ctx)
      expect(b.metrics.throughput_mb_per_s).toBeGreaterThan(0)
    }
  })
})
