import {beforeAll, describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {faultRecovery, faultRecoveryTimeline, QUICK_TIMING} from '../../src/experiments/fault-recovery.js'
import {buildRows} from '../../src/experiments/rows.js'
import type {PointResult, SystemId} from '../../src/experiments/types.js'

const profile = loadProfile()
const ctx = {seed: 1, quick: true, profile}
const point = (domain: string) => ({domain, restart_ms: QUICK_TIMING.restartMs})

describe('fault-recovery (quick: crash at 200 ms, restart after 300 ms)', () => {
  const runs: Record<string, Record<string, number>> = {}
  beforeAll(() => {
    for (const domain of ['storage', 'network']) for (const system of ['native', 'virtuos'] as SystemId[]) {
      runs[`${domain}/${system}`] = faultRecovery.run(point(domain), system, ctx).metrics
    }
  })

  it.each(['storage', 'network'])('virtuos contains a %s-domain crash: bystander keeps its throughput, none lost, the affected workload recovers', (domain) => {
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
  })

  it('native goes down with the crash: survived 0, in-flight calls lost, nothing after, recovery censored at the window', () => {
    for (const domain of ['storage', 'network']) {
      const m = runs[`${domain}/native`]
      expect(m.survived).toBe(0)
      expect(m.affected_before).toBeGreaterThan(1000)
      expect([m.affected_during, m.affected_after, m.bystander_during, m.bystander_after, m.bystander_ratio]).toEqual([0, 0, 0, 0, 0])
      expect(m.failed_calls).toBe(0)
      expect(m.lost_calls).toBeGreaterThan(0)
      expect(m.recovery_ms).toBe(QUICK_TIMING.afterMs)
    }
  })

  it('the claim check reads the virtuos rows and holds', () => {
    const systems: SystemId[] = ['native', 'virtuos']
    const points = ['storage', 'network'].map(point)
    const grid: PointResult[][] = points.map((p) => systems.map((s) => ({metrics: runs[`${p.domain}/${s}`], engine: {events: 0, simulatedCycles: 0, hostSeconds: 0, eventsPerSecond: 0, simulatedSecondsPerHostSecond: 0}})))
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
    expect(faultRecoveryTimeline.axes.find((a) => a.name === 't_ms')!.quick).toHaveLength((t.crashMs + t.restartMs + t.afterMs) / t.bucketMs)
  })
})
