import {beforeAll, describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {atBound, judgeClaim, meanInterval, quotient} from '../../src/experiments/claims.js'
import {
  faultRecovery,
  faultRecoveryTimeline,
  faultRecoveryWorkload,
  QUICK_TIMING,
  RETRY_MS,
  TIMELINE_FULL,
  TIMELINE_QUICK,
  type FaultTiming,
} from '../../src/experiments/fault-recovery.js'
import {buildRows} from '../../src/experiments/rows.js'
import type {Clause, Point, PointResult, ResultRow, SystemId, Verdict} from '../../src/experiments/types.js'
import {row as fixtureRow} from '../report/fixtures.js'

const profile = loadProfile()
const ctx = {seed: 1, quick: true, profile}
const point = (domain: string, file_threads = 2) => ({domain, file_threads, restart_ms: QUICK_TIMING.restartMs})

/** A hand-built row: `value` with a 95% interval of +-`half`. */
const row = (params: Point, metric: string, value: number, half = 0, system: SystemId = 'virtuos'): ResultRow =>
  fixtureRow({
    experiment: 'fault-recovery',
    system,
    params,
    metric,
    value,
    ci95Low: value - half,
    ci95High: value + half,
    replicates: 3,
    unit: 'x',
    better: 'higher',
  })

/** The clause whose text matches. */
const clauseOf = (clauses: readonly Clause[] | undefined, text: RegExp): Clause => {
  const found = (clauses ?? []).filter((c) => text.test(c.text))
  expect(found).toHaveLength(1)
  return found[0]
}

/** The rows with the row of (metric, where) replaced by `value` +- `half`. */
const doctor = (
  rows: readonly ResultRow[],
  metric: string,
  where: (p: Point) => boolean,
  value: number | ((v: number) => number),
  half = 0,
) =>
  rows.map((r) => {
    if (r.metric !== metric || !where(r.params)) return r
    const v = typeof value === 'number' ? value : value(r.value)
    return {...r, value: v, ci95Low: v - half, ci95High: v + half}
  })

describe('the claims.ts builders fault-recovery adds', () => {
  it('quotient takes the far ends; meanInterval the mean of the ends', () => {
    expect(quotient({mid: 9, low: 8, high: 10}, {mid: 10, low: 5, high: 20})).toEqual({mid: 0.9, low: 0.4, high: 2})
    expect(quotient({mid: 1, low: 1, high: 1}, {mid: 0, low: 0, high: 0}).mid).toBe(Infinity)
    expect(
      meanInterval([
        {mid: 1, low: 0, high: 2},
        {mid: 3, low: 3, high: 3},
      ]),
    ).toEqual({mid: 2, low: 1.5, high: 2.5})
  })
  it('atBound is two-valued: at the bound or off it, never straddling', () => {
    expect([atBound(0, 0), atBound(0.2, 0), atBound(1, 1), atBound(0.8, 1)]).toEqual([true, false, true, false])
  })
})

describe('fault-recovery clauses (synthetic rows)', () => {
  const points = ['storage', 'network'].flatMap((d) => [2, 4].map((n) => point(d, n)))
  const healthy: Record<string, number> = {
    survived: 1,
    other_ratio: 1,
    failed_calls: 60,
    lost_calls: 0,
    affected_before: 5000,
    affected_after: 4950,
  }
  const rows = points.flatMap((p) => Object.entries(healthy).map(([m, v]) => row(p, m, v)))
  const at4 = (p: Point) => p.domain === 'network' && p.file_threads === 4
  const verdict = (text: RegExp, rs: readonly ResultRow[]): Verdict =>
    clauseOf(faultRecovery.clauses, text).check(rs).verdict

  it('one clause per sentence, each with its margin in its words; the conjunction holds on healthy rows', () => {
    expect(faultRecovery.clauses).toHaveLength(5)
    expect(judgeClaim(faultRecovery, rows)?.verdict).toBe('supported')
    expect(clauseOf(faultRecovery.clauses, /other_ratio above 0.9/).text).toMatch(/at least 90%.*2 or 4/)
    expect(clauseOf(faultRecovery.clauses, /affected_after \/ affected_before above 0.9/).margin).toBe(0.1)
  })

  it.each([
    ['bystander keeps 90%', /other_ratio/, 'other_ratio', 0.85, 0.93, 0.05],
    ['failed calls above 0', /failed calls at every/, 'failed_calls', 0, 2, 3],
  ])(
    '%s: refuted at one point (file_threads=4 alone), inconclusive when its interval straddles',
    (_, text, m, bad, open, half) => {
      expect(verdict(text, doctor(rows, m, at4, bad))).toBe('not supported')
      expect(verdict(text, doctor(rows, m, at4, open, half))).toBe('inconclusive')
      const detail = clauseOf(faultRecovery.clauses, text).check(doctor(rows, m, at4, bad)).detail
      expect(detail).toContain('domain=network, file_threads=4')
    },
  )

  it('recovery: affected_after over affected_before, both intervals at their far ends', () => {
    const text = /recovers after the restart/
    expect(verdict(text, doctor(rows, 'affected_after', at4, 4000))).toBe('not supported')
    // any recovery above 0 is not enough
    expect(verdict(text, doctor(rows, 'affected_after', at4, 100))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'affected_after', at4, 4600, 300))).toBe('inconclusive')
    expect(verdict(text, doctor(rows, 'affected_before', at4, 5000, 1000))).toBe('inconclusive')
  })

  it('survived and lost calls are bounds: a mean off the bound refutes, however wide its interval', () => {
    expect(verdict(/keeps running/, doctor(rows, 'survived', at4, 0.8, 0.55))).toBe('not supported')
    expect(verdict(/none is lost/, doctor(rows, 'lost_calls', at4, 0.2, 0.55))).toBe('not supported')
    expect(verdict(/none is lost/, doctor(rows, 'lost_calls', at4, 0))).toBe('supported')
  })

  it('untested without virtuos rows; native rows are not judged', () => {
    const native = rows.map((r) => ({...r, system: 'native' as const, value: 0, ci95Low: 0, ci95High: 0}))
    expect(judgeClaim(faultRecovery, native)?.clauses.map((c) => c.verdict)).toEqual(Array(5).fill('untested'))
    expect(judgeClaim(faultRecovery, [...rows, ...native])?.verdict).toBe('supported')
  })
})

/** The timeline's MB/s metric of each transfer: the one using the crashed domain, and the other one. */
const transfers = (domain: string) => ({
  affected: `${domain}_mb_s`,
  other: domain === 'storage' ? 'network_mb_s' : 'storage_mb_s',
})

/** A healthy virtuos timeline of one domain under `t`: flat, the affected transfer out and failing while down. */
function timeline(t: FaultTiming, domain: string): ResultRow[] {
  const restartAt = t.crashMs + t.restartMs
  const {affected, other} = transfers(domain)
  const out: ResultRow[] = []
  for (let ms = 0; ms < restartAt + t.afterMs; ms += t.bucketMs) {
    const down = ms >= t.crashMs && ms < restartAt
    const p = {domain, restart_ms: t.restartMs, t_ms: ms}
    out.push(row(p, affected, down ? 0 : 50), row(p, other, 50))
    out.push(row(p, 'failed_calls_s', down ? 200 : 0))
  }
  return out
}

describe.each([
  ['quick', TIMELINE_QUICK],
  ['full', TIMELINE_FULL],
])('fault-recovery-timeline clauses (synthetic rows, %s buckets)', (_, t) => {
  const rows = [...timeline(t, 'storage'), ...timeline(t, 'network')]
  const restartAt = t.crashMs + t.restartMs
  const bucket = (ms: number) => (p: Point) => p.domain === 'network' && p.t_ms === ms
  const down = (p: Point) => p.domain === 'network' && Number(p.t_ms) >= t.crashMs && Number(p.t_ms) < restartAt
  const after = (p: Point) => p.domain === 'network' && Number(p.t_ms) >= restartAt
  const verdict = (text: RegExp, rs: readonly ResultRow[]) =>
    clauseOf(faultRecoveryTimeline.clauses, text).check(rs).verdict
  const midOutage = t.crashMs + 2 * t.bucketMs

  it('five clauses, all supported on a healthy timeline', () => {
    const v = judgeClaim(faultRecoveryTimeline, rows)!
    expect(v.clauses.map((c) => c.verdict)).toEqual(Array(5).fill('supported'))
  })

  it('bystander: every outage bucket against the pre-crash mean', () => {
    const text = /not using it keeps at least 90%/
    expect(verdict(text, doctor(rows, 'storage_mb_s', bucket(midOutage), 40))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'storage_mb_s', bucket(midOutage), 46, 2.5))).toBe('inconclusive')
    // a dip outside the outage is not this clause's business
    expect(verdict(text, doctor(rows, 'storage_mb_s', bucket(restartAt), 10))).toBe('supported')
  })

  it('each timeline judges its own transfers: under a storage crash the download is the bystander', () => {
    const storageDown = (p: Point) =>
      p.domain === 'storage' && Number(p.t_ms) >= t.crashMs && Number(p.t_ms) + t.bucketMs <= restartAt
    expect(verdict(/not using it keeps/, doctor(rows, 'network_mb_s', storageDown, 10))).toBe('not supported')
    expect(verdict(/drops below 10%/, doctor(rows, 'storage_mb_s', storageDown, 30))).toBe('not supported')
    // the network series of a storage crash is not the affected one: its level there is the bystander's
    expect(verdict(/drops below 10%/, doctor(rows, 'network_mb_s', storageDown, 50))).toBe('supported')
  })

  it('affected: below 10% in every outage bucket', () => {
    const text = /drops below 10%/
    expect(verdict(text, doctor(rows, 'network_mb_s', bucket(midOutage), 30))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'network_mb_s', bucket(midOutage), 4.5, 1))).toBe('inconclusive')
  })

  it('recovery: the mean over the buckets after the restart', () => {
    const text = /back to at least 90%/
    expect(
      verdict(
        text,
        doctor(rows, 'network_mb_s', after, (v) => v / 2),
      ),
    ).toBe('not supported')
    expect(verdict(text, doctor(rows, 'network_mb_s', after, 46, 3))).toBe('inconclusive')
    // one slow bucket among the others' full rate
    expect(verdict(text, doctor(rows, 'network_mb_s', bucket(restartAt), 40))).toBe('supported')
  })

  it('failures: in every outage bucket, none before the crash', () => {
    const text = /Calls fail with an error in every bucket/
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(midOutage), 0))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(t.crashMs - t.bucketMs), 4))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(midOutage), 10, 20))).toBe('inconclusive')
    expect(verdict(text, doctor(rows, 'failed_calls_s', down, 0))).toBe('not supported')
  })

  it('failures stop after the restart: a refused reconnect in the restart bucket is allowed, a later one is not', () => {
    const text = /calls stop failing/
    // one failed call in the restart's bucket (what --full's run has) reads the same whatever the bucket width
    const one = 1 / (t.bucketMs / 1000)
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(restartAt), one))).toBe('supported')
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(restartAt), 100))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(restartAt + t.bucketMs), one))).toBe('not supported')
    // more failures than the outage's 10 ms hold (200/s: 2 calls) is more than one retry pause
    const three = 3 / (t.bucketMs / 1000)
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(restartAt), three))).toBe('not supported')
    expect(verdict(text, doctor(rows, 'failed_calls_s', bucket(restartAt), 2 / (t.bucketMs / 1000), one))).toBe(
      'inconclusive',
    )
  })

  it('untested without virtuos rows, or with buckets of neither timing', () => {
    const native = rows.map((r) => ({...r, system: 'native' as const}))
    expect(judgeClaim(faultRecoveryTimeline, native)?.clauses.map((c) => c.verdict)).toEqual(Array(5).fill('untested'))
    const gap = rows.filter((r) => r.params.t_ms !== t.bucketMs)
    expect(judgeClaim(faultRecoveryTimeline, gap)?.clauses[0].detail).toMatch(/fit neither the quick nor the full/)
    expect(judgeClaim(faultRecoveryTimeline, gap)?.verdict).toBe('untested')
  })
})

it("the clauses' retry pause is the workload file's", () => {
  expect(RETRY_MS).toBe(faultRecoveryWorkload().retryUs.value / 1000)
})

describe('the file_threads axis', () => {
  it('fault-recovery sweeps 2 and 4 file-server threads in both modes; the timeline keeps the workload file', () => {
    const axis = faultRecovery.axes.find((a) => a.name === 'file_threads')!
    expect([axis.quick, axis.full]).toEqual([
      [2, 4],
      [2, 4],
    ])
    expect(faultRecoveryTimeline.axes.map((a) => a.name)).not.toContain('file_threads')
  })

  it('a 4-thread point runs 4 threads, not the cached 2-thread run', () => {
    const two = faultRecovery.run(point('network', 2), 'virtuos', ctx).metrics
    const four = faultRecovery.run(point('network', 4), 'virtuos', ctx).metrics
    // the file server is the bystander of a network crash: twice the threads, more requests
    expect(four.other_before).toBeGreaterThan(two.other_before * 1.5)
  })
})

describe('fault-recovery model (quick: crash at 200 ms, restart after 300 ms, 2 file threads)', () => {
  const runs: Record<string, Record<string, number>> = {}
  beforeAll(() => {
    for (const domain of ['storage', 'network'])
      runs[`${domain}/virtuos`] = faultRecovery.run(point(domain), 'virtuos', ctx).metrics
    // one driver-domain run: its crash is the same whichever domain is named (the network one shows the loss)
    runs['network/driver-domain'] = faultRecovery.run(point('network'), 'driver-domain', ctx).metrics
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
      expect(m.other_ratio).toBeGreaterThan(0.9)
      expect(m.other_during).toBeGreaterThan(1000)
      // a failed thread retries every 10 ms: the first operation completes within one retry of the restart
      expect(m.recovery_ms).toBeGreaterThanOrEqual(0)
      expect(m.recovery_ms).toBeLessThan(11)
    },
  )

  it('native is not run: its crash is a panic of the whole machine, whose reboot no window holds', () => {
    expect(faultRecovery.systems).not.toContain('native')
    expect(faultRecoveryTimeline.systems).not.toContain('native')
    expect(() => faultRecovery.run(point('network'), 'native', ctx)).toThrow(/crashDomain/)
  })

  it('virtuos: the other workload is a bystander (other_depends 0); no segment retransmitted, no block request re-issued', () => {
    for (const domain of ['storage', 'network']) {
      const m = runs[`${domain}/virtuos`]
      expect([m.other_depends, m.retransmitted_segments, m.reissued_block_requests]).toEqual([0, 0, 0])
    }
  })

  it('driver-domain: one domain holds both devices (other_depends 1); the crash loses frames that TCP sends again, nothing fails or is lost', () => {
    const m = runs['network/driver-domain']
    expect(m.other_depends).toBe(1)
    expect(m.survived).toBe(1)
    expect([m.failed_calls, m.lost_calls]).toEqual([0, 0])
    expect(m.retransmitted_segments).toBeGreaterThan(0)
    // the request service stalls while the domain is down; it cannot recover before the backends have
    // reconnected, and then only when a (backed-off) retransmission timer fires
    expect(m.affected_during).toBeLessThan(m.affected_before * 0.5)
    const reconnectMs = (profile.params.driverDomain.xenbusReconnect * 1000) / profile.params.clockHz
    expect(m.recovery_ms).toBeGreaterThan(reconnectMs)
  })

  it("every clause judges the model's rows (none left untested): the clauses read the rows the run writes", () => {
    const systems: SystemId[] = ['virtuos']
    const points = ['storage', 'network'].map((d) => point(d))
    const grid: PointResult[][][] = points.map((p) => [
      systems.map((s) => ({
        metrics: runs[`${p.domain}/${s}`],
        engine: {events: 0, simulatedCycles: 0, hostSeconds: 0, eventsPerSecond: 0, simulatedSecondsPerHostSecond: 0},
      })),
    ])
    const v = judgeClaim(faultRecovery, buildRows(faultRecovery, systems, points, grid, 1, 'p'))!
    expect(v.clauses.map((c) => c.verdict)).not.toContain('untested')
  })
})

/** The quick timeline of one crashed domain on virtuos: each bucket's metrics, and the windows of the run. */
function quickTimeline(domain: string) {
  const t = TIMELINE_QUICK
  const p = {domain, restart_ms: t.restartMs}
  const rows = (faultRecoveryTimeline.axes.find((a) => a.name === 't_ms')!.quick as number[]).map((t_ms) => ({
    t_ms,
    m: faultRecoveryTimeline.run({...p, t_ms}, 'virtuos', ctx).metrics,
  }))
  const restartAt = t.crashMs + t.restartMs
  // whole buckets only: the crash comes up to crashJitterUs after the nominal bucket start
  const pre = rows.filter((r) => r.t_ms >= t.warmupMs && r.t_ms + t.bucketMs <= t.crashMs)
  const down = rows.filter((r) => r.t_ms > t.crashMs && r.t_ms + t.bucketMs <= restartAt)
  const after = rows.filter((r) => r.t_ms >= restartAt + t.bucketMs)
  const mean = (rs: typeof rows, metric: string) => rs.reduce((n, r) => n + r.m[metric], 0) / rs.length
  return {pre, down, after, mean}
}

describe('fault-recovery-timeline model (quick, virtuos): two bulk transfers around a crash', () => {
  it('a network-domain crash: the download drops to 0 until the restart and resumes; the file read runs on', () => {
    const {pre, down, after, mean} = quickTimeline('network')
    expect(mean(pre, 'network_mb_s')).toBeGreaterThan(0)
    for (const r of down) expect(r.m.network_mb_s).toBe(0)
    for (const r of down) expect(r.m.storage_mb_s).toBeGreaterThan(0.9 * mean(pre, 'storage_mb_s'))
    for (const r of down) expect(r.m.failed_calls_s).toBeGreaterThan(0)
    expect(mean(after, 'network_mb_s')).toBeGreaterThan(0.9 * mean(pre, 'network_mb_s'))
    for (const r of after) expect(r.m.failed_calls_s).toBe(0)
  })

  it('a storage-domain crash: the file read drops to 0 until the restart and resumes; the download runs on', () => {
    const {pre, down, after, mean} = quickTimeline('storage')
    for (const r of down) expect(r.m.storage_mb_s).toBe(0)
    for (const r of down) expect(r.m.network_mb_s).toBeGreaterThan(0.9 * mean(pre, 'network_mb_s'))
    expect(mean(after, 'storage_mb_s')).toBeGreaterThan(0.9 * mean(pre, 'storage_mb_s'))
  })

  it('bulk rates: the file read is bounded by the disk, the download by the link (not by per-call overheads)', () => {
    const {pre, mean} = quickTimeline('network')
    const hz = profile.params.clockHz
    const diskMBs = (profile.params.disk.transferBytesPerCycle * hz) / 1e6
    const nic = profile.params.nic
    const mss = nic.mtuBytes - nic.tcpIpHeaderBytes
    const linkMBs = ((nic.wireBitsPerSecond / 8) * (mss / (nic.mtuBytes + nic.frameOverheadBytes))) / 1e6
    // 1.05: a bucket counts whole 128 KiB reads, so one more read than the rate fits can land in it
    expect(mean(pre, 'storage_mb_s')).toBeLessThan(1.05 * diskMBs)
    expect(mean(pre, 'storage_mb_s')).toBeGreaterThan(0.8 * diskMBs)
    expect(mean(pre, 'network_mb_s')).toBeLessThanOrEqual(linkMBs * 1.01)
    expect(mean(pre, 'network_mb_s')).toBeGreaterThan(0.8 * linkMBs)
  })

  it("runs on the failure recovery plot's time axis: 70 1-s buckets in full, crash at 29 s, restart at 60 s; quick the same shape shorter", () => {
    const axis = (name: string) => faultRecoveryTimeline.axes.find((a) => a.name === name)!
    const full = axis('t_ms').full.map(Number)
    expect(full).toHaveLength(70)
    expect(full[1] - full[0]).toBe(1000)
    expect(TIMELINE_FULL.crashMs).toBe(29000)
    expect(TIMELINE_FULL.crashMs + Number(axis('restart_ms').full[0])).toBe(60000)
    const share = (t: FaultTiming) => [t.crashMs, t.restartMs].map((v) => v / (t.crashMs + t.restartMs + t.afterMs))
    share(TIMELINE_QUICK).forEach((q, i) => expect(Math.abs(q - share(TIMELINE_FULL)[i])).toBeLessThan(0.06))
    expect(axis('t_ms').quick.length).toBeLessThan(20)
    const q = TIMELINE_QUICK
    expect(axis('t_ms').quick).toHaveLength((q.crashMs + q.restartMs + q.afterMs) / q.bucketMs)
  })
})

describe('fault-recovery-timeline: one simulation per (system, domain, seed)', () => {
  it('points of one seed share a run (only the first bucket carries the engine work); another seed runs anew', () => {
    const run = (seed: number, t_ms: number) =>
      faultRecoveryTimeline.run({domain: 'network', restart_ms: TIMELINE_QUICK.restartMs, t_ms}, 'virtuos', {
        ...ctx,
        seed,
      })
    const first = run(1, 0)
    expect(first.engine.events).toBeGreaterThan(0)
    expect(run(1, TIMELINE_QUICK.bucketMs).engine.events).toBe(0) // the same simulation, cached
    const other = run(2, 0)
    expect(other.engine.events).toBeGreaterThan(0) // not the seed-1 run from the cache
    expect(other.engine.simulatedCycles).not.toBe(first.engine.simulatedCycles) // its crash came at another instant
  })
})
