import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {oltp, withNativeCores} from '../../src/experiments/oltp.js'
import {UsageError} from '../../src/errors.js'
import {row} from '../report/fixtures.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) => oltp.run(point, system, {seed, quick: true, profile}).metrics

describe('oltp experiment', () => {
  it("native_cores=primary gives native's and FlexSC's kernel as many cores as VirtuOS's primary, nothing else", () => {
    const p = profile.params
    expect(withNativeCores(p, 'all')).toBe(p)
    const primary = withNativeCores(p, 'primary')
    expect(primary.coreAllocation).toEqual({...p.coreAllocation, nativeApplication: p.coreAllocation.virtuosPrimary})
    expect(primary.coreAllocation.nativeApplication).toBeLessThan(p.coreAllocation.nativeApplication)
    expect(() => withNativeCores(p, 'half')).toThrow(UsageError)
    // the axis changes no dice, and the claim is judged against native on its own allocation only
    expect(oltp.seedAxes).toEqual(['threads', 'sync_commit'])
    const tps = (native_cores: string, ratio: number) =>
      row({
        experiment: 'oltp',
        system: 'virtuos',
        params: {threads: 4, sync_commit: 'off', native_cores},
        metric: 'tps',
        unit: 'trx/s',
        better: 'higher',
        value: 100 * ratio,
        ratioVsNative: ratio,
      })
    const clause = oltp.clauses![0]
    expect(clause.check([tps('all', 1), tps('primary', 1.5)]).verdict).toBe('not supported')
    expect(clause.check([tps('all', 1.5), tps('primary', 1)]).verdict).toBe('supported')
  })
  it('tps grows from 1 to 4 threads (native, sync commit)', () => {
    expect(at({threads: 4, sync_commit: 'on'}, 'native').tps).toBeGreaterThan(
      at({threads: 1, sync_commit: 'on'}, 'native').tps,
    )
  })

  it('turning synchronous commit off raises tps and lowers p95 latency at one thread', () => {
    for (const system of ['native', 'virtuos'] as const) {
      const on = at({threads: 1, sync_commit: 'on'}, system)
      const off = at({threads: 1, sync_commit: 'off'}, system)
      expect(off.tps).toBeGreaterThan(on.tps)
      expect(off.latency_p95_ms).toBeLessThan(on.latency_p95_ms)
    }
  })

  it('is deterministic for a seed', () => {
    expect(at({threads: 4, sync_commit: 'off'}, 'virtuos', 7)).toEqual(
      at({threads: 4, sync_commit: 'off'}, 'virtuos', 7),
    )
  })

  it('flexsc runs sysbench OLTP: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    expectRunsThroughFlexsc(oltp, {threads: 4, sync_commit: 'on'}, profile, 50)
  })
})
