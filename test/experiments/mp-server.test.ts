import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {mpServer} from '../../src/experiments/mp-server.js'
import type {Point, ResultRow, SystemId} from '../../src/experiments/types.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) =>
  mpServer.run(point, system, {seed, quick: true, profile}).metrics

const row = (system: SystemId, value: number, ratio: number | null): ResultRow => ({
  experiment: 'mp-server',
  system,
  params: {processes: 1, clients: 16, file_bytes: 256},
  metric: 'requests_per_s',
  value,
  ci95Low: value,
  ci95High: value,
  replicates: 1,
  unit: 'req/s',
  better: 'higher',
  nativeValue: 100,
  ratioVsNative: ratio,
  ratioCi95Low: ratio,
  ratioCi95High: ratio,
  samples: null,
  seed: 1,
  profile: 'p',
})

describe('mp-server experiment', () => {
  it('more prefork processes serve more requests under 16 clients', () => {
    for (const system of ['native', 'virtuos'] as const) {
      expect(at({processes: 4, clients: 16, file_bytes: 256}, system).requests_per_s).toBeGreaterThan(
        at({processes: 1, clients: 16, file_bytes: 256}, system).requests_per_s,
      )
    }
  })

  it('its first clause (virtuos beats driver-domain by 5%) is untested without driver-domain rows, refuted when it loses', () => {
    const [beats, pays] = mpServer.clauses!
    expect(beats.check([row('native', 100, 1), row('virtuos', 80, 0.8)]).verdict).toBe('untested')
    expect(beats.check([row('virtuos', 80, 0.8), row('driver-domain', 90, 0.9)]).verdict).toBe('not supported')
    expect(beats.check([row('virtuos', 80, 0.8), row('driver-domain', 78, 0.78)]).verdict).toBe('not supported')
    expect(beats.check([row('virtuos', 80, 0.8), row('driver-domain', 60, 0.6)]).verdict).toBe('supported')
    // and its second: it pays against native
    expect(pays.check([row('virtuos', 80, 0.8)]).verdict).toBe('supported')
    expect(pays.check([row('virtuos', 99, 0.99)]).verdict).toBe('not supported')
  })

  it('is deterministic for a seed', () => {
    expect(at({processes: 2, clients: 4, file_bytes: 256}, 'virtuos', 5)).toEqual(
      at({processes: 2, clients: 4, file_bytes: 256}, 'virtuos', 5),
    )
  })

  it('flexsc runs the prefork server: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    expectRunsThroughFlexsc(mpServer, {processes: 2, clients: 16, file_bytes: 256}, profile, 50)
  })
})
