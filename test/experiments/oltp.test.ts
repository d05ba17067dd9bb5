import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {oltp} from '../../src/experiments/oltp.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {flexscCounts} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) => oltp.run(point, system, {seed, quick: true, profile}).metrics

describe('oltp experiment', () => {
  it('tps grows from 1 to 4 threads (native, sync commit)', () => {
    expect(at({threads: 4, sync_commit: 'on'}, 'native').tps).toBeGreaterThan(at({threads: 1, sync_commit: 'on'}, 'native').tps)
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
    expect(at({threads: 4, sync_commit: 'off'}, 'virtuos', 7)).toEqual(at({threads: 4, sync_commit: 'off'}, 'virtuos', 7))
  })

  it('flexsc runs sysbench OLTP: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    const r = oltp.run({threads: 4, sync_commit: 'on'}, 'flexsc', {seed: 1, quick: true, profile})
    const c = flexscCounts(r)
    expect(c).not.toBeNull()
    expect(c!.placement).toBe('same-core')
    expect(c!.posts).toBeGreaterThanOrEqual(50)
    expect(c!.batches).toBeGreaterThan(0)
    expect(c!.served).toBeLessThanOrEqual(c!.posts)
    expect(c!.served).toBeGreaterThan(0)
    for (const v of Object.values(r.metrics)) expect(Number.isFinite(v) && v > 0).toBe(true)
    expect(flexscCounts(oltp.run({threads: 4, sync_commit: 'on'}, 'native', {seed: 1, quick: true, profile}))).toBeNull()
  })
})
