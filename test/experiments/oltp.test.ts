import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {oltp} from '../../src/experiments/oltp.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) => oltp.run(point, system, {seed, quick: true, profile}).metrics

describe('oltp experiment', () => {
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
