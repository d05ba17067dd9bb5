import {beforeAll, describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {
  faultRecovery,
  faultRecoveryTimeline,
  QUICK_TIMING,
  timelineCheck,
} from '../../src/experiments/fault-recovery.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {buildRows} from '../../src/experiments/rows.js'
import type {PointResult, ResultRow, SystemId} from '../../src/experiments/types.js'

const profile = loadProfile()
const ctx = {seed: 1, quick: true, profile}
const point = (domain: string) => ({domain, restart_ms: QUICK_TIMING.restartMs})

describe('fault-recovery (quick: crash at 200 ms, restart after 300 ms)', () => {
  const runs: Record<string, Record<string, number>> = {}
  beforeAll(() => {
    for (const domain of ['storage', 'network'])
      for (const system of ['native', 'virtuos'] as SystemId[]) {
        runs[`${domain}/${system}`] = faultRecovery.run(point(domain), system, ctx).metrics
      }
  })

  it.each(['storage', 'network'])(
    'virtuos contains a %s-domain crash: bystander keeps its throughput, none lost, the affected workload recovers',
    (domain) => {
      const m = runs[`${domain}/virtuos`]
      expect(m.survived).toBe(1)
      expect(m.lost_calls).toBe(0)
      expect(m.failed_calls).toBeGreaterThan(0)
      expect(m.affected_before).toBeGreaterThan(1000)
      expect(m.affected_during).toBeLessThan(m.affected_before * 0.05) // only requests already past their last call
      expect(m.affected_after).toBeGreaterThan(m.affected_before * 0.8)
      expect(m.bystander_ratio).toBeGreaterThan(0.9)
      expect(m.bystander_during).toBeGreaterThan(1000)
      // a failed thread retries every 10 ms: the first success comes within one retry of the restart
      expect(m.recovery_ms).toBeGreaterThanOrEqual(0)
      expect(m.recovery_ms).toBeLessThan(11)
    },
  )

  it('native goes down with the crash: survived 0, in-flight calls lost, nothing after, recovery censored at the window', () => {
    for (const domain of ['storage', 'network']) {
      const m = runs[`${domain}/native`]
      expect(m.survived).toBe(0)
      expect(m.affected_before).toBeGreaterThan(1000)
      expect([m.affected_during, m.affected_after, m.bystander_during, m.bystander_after, m.bystander_ratio]).toEqual([
        0, 0, 0, 0, 0,
      ])
      expect(m.failed_calls).toBe(0)
      expect(m.lost_calls).toBeGreaterThan(0)
      expect(m.recovery_ms).toBe(QUICK_TIMING.afterMs)
    }
  })

  it('the claim check reads the virtuos rows and holds', () => {
    const systems: SystemId[] = ['native', 'virtuos']
    const points = ['storage', 'network'].map(point)
    const grid: PointResult[][] = points.map((p) =>
      systems.map((s) => ({
        metrics: runs[`${p.domain}/${s}`],
        engine: {events: 0, simulatedCycles: 0, hostSeconds: 0, eventsPerSecond: 0, simulatedSecondsPerHostSecond: 0},
      })),
    )
    const verdict = faultRecovery.claimCheck!(buildRows(faultRecovery, systems, points, grid, 1, 'p'))
    expect(verdict.holds).toBe(true)
    expect(verdict.detail).toMatch(/storage crash: .*network crash: /)
  })
})

describe('fault-recovery-timeline', () => {
  it('shows the dip while the storage domain is down and the recovery after, the bystander flat', () => {
    const t = QUICK_TIMING
    const at = (t_ms: number) => faultRecoveryTimeline.run({...point('storage'), t_ms}, 'virtuos', ctx).metrics
    const before = at(t.crashMs - t.bucketMs)
    const down = at(t.crashMs + t.bucketMs)
    const after = at(t.crashMs + t.restartMs + t.bucketMs)
    expect(before.affected_ops_s).toBeGreaterThan(1000)
    expect(down.affected_ops_s).toBe(0)
    expect(after.affected_ops_s).toBeGreaterThan(before.affected_ops_s * 0.8)
    expect(down.bystander_ops_s).toBeGreaterThan(before.bystander_ops_s * 0.9)
    expect(at(t.crashMs).failed_calls_s).toBeGreaterThan(0)
    expect(faultRecoveryTimeline.axes.find((a) => a.name === 't_ms')!.quick).toHaveLength(
      (t.crashMs + t.restartMs + t.afterMs) / t.bucketMs,
    )
  })
})

describe('fault-recovery-timeline: one simulation per (system, domain, seed)', () => {
  it('points of one seed share a run (only the first bucket carries the engine work); another seed runs anew', () => {
    const run = (seed: number, t_ms: number) =>
      faultRecoveryTimeline.run({...point('network'), t_ms}, 'virtuos', {...ctx, seed})
    const first = run(1, 0)
    expect(first.engine.events).toBeGreaterThan(0)
    expect(run(1, QUICK_TIMING.bucketMs).engine.events).toBe(0) // the same simulation, cached
    const other = run(2, 0)
    expect(other.engine.events).toBeGreaterThan(0) // not the seed-1 run from the cache
    expect(other.engine.simulatedCycles).not.toBe(first.engine.simulatedCycles) // its crash came at another instant
  })
})

describe('fault-recovery-timeline claim check', () => {
  let rows: ResultRow[] = []
  beforeAll(async () => {
    const [run] = await runExperiments([faultRecoveryTimeline], {
      seed: 1,
      quick: true,
      profile,
      systems: ['virtuos'],
      jobs: 1,
    })
    rows = run.rows
  })
  const t = QUICK_TIMING
  const restartAt = t.crashMs + t.restartMs
  /** The rows with one value changed: `domain`'s `metric` in the bucket starting at `tMs`. */
  const doctor = (domain: string, metric: string, tMs: number, f: (v: number) => number) =>
    rows.map((r) =>
      r.params.domain === domain && r.metric === metric && r.params.t_ms === tMs ? {...r, value: f(r.value)} : r,
    )

  it('holds on the model: the claim states its thresholds and the detail gives the numbers per domain', () => {
    expect(faultRecoveryTimeline.claim).toMatch(/at least 90% of its pre-crash throughput .* below 10% of its own/)
    expect(faultRecoveryTimeline.claimCheck).toBe(timelineCheck)
    const v = timelineCheck(rows)
    expect(v.holds).toBe(true)
    expect(v.detail).toMatch(
      /^storage crash: bystander at \d+%-\d+% of its pre-crash \d+ ops\/s while down.*; network crash: /,
    )
    expect(v.detail).toContain('failed calls in 6 of 6 outage buckets and 0 buckets outside it')
  })

  it('fails when the bystander loses more than 10% in one bucket of the outage', () => {
    expect(timelineCheck(doctor('network', 'bystander_ops_s', t.crashMs + 2 * t.bucketMs, (v) => v * 0.85)).holds).toBe(
      false,
    )
    expect(timelineCheck(doctor('network', 'bystander_ops_s', t.crashMs + 2 * t.bucketMs, (v) => v * 0.95)).holds).toBe(
      true,
    )
  })

  it('fails when the affected workload keeps running while its domain is down, or does not come back', () => {
    expect(timelineCheck(doctor('storage', 'affected_ops_s', t.crashMs + t.bucketMs, () => 3000)).holds).toBe(false)
    let after = rows
    for (let ms = restartAt; ms < restartAt + t.afterMs; ms += t.bucketMs)
      after = after.map((r) =>
        r.params.domain === 'storage' && r.metric === 'affected_ops_s' && r.params.t_ms === ms
          ? {...r, value: r.value * 0.5}
          : r,
      )
    expect(timelineCheck(after).holds).toBe(false)
  })

  it('fails when calls fail outside the outage, or a bucket of the outage has none (calls hang instead of failing)', () => {
    expect(timelineCheck(doctor('storage', 'failed_calls_s', t.crashMs - t.bucketMs, () => 20)).holds).toBe(false)
    expect(timelineCheck(doctor('network', 'failed_calls_s', restartAt, () => 20)).holds).toBe(false)
    expect(timelineCheck(doctor('storage', 'failed_calls_s', t.crashMs + 3 * t.bucketMs, () => 0)).holds).toBe(false)
  })

  it('cannot tell without virtuos rows or with buckets of neither timing', () => {
    expect(timelineCheck(rows.map((r) => ({...r, system: 'native' as const}))).holds).toBe(null)
    expect(timelineCheck(rows.filter((r) => r.params.t_ms !== 100)).holds).toBe(null)
  })
})
