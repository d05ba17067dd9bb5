/**
 * flexsc-batching: mechanisms and shapes of the model, the clauses' logic on synthetic rows, and
 * the references file. No test gates on a published number: whether the model meets FlexSC's is
 * the clauses' verdict in the report, not a test failure.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import {judgeClaim} from '../../src/experiments/claims.js'
import {FITTED_POINTS, FLEXSC_CLAUSES, flexscBatching, profileFor} from '../../src/experiments/flexsc-batching.js'
import {loadReferences, pointsOf, referencePoints, referencesPath} from '../../src/experiments/references.js'
import {findExperiment} from '../../src/experiments/registry.js'
import type {ResultRow, Verdict} from '../../src/experiments/types.js'
import {syscallOverhead} from '../../src/experiments/syscall-overhead.js'
import {copyOverhead} from '../../src/experiments/copy-overhead.js'
import {row as fixtureRow} from '../report/fixtures.js'

const e5520 = loadProfile()
const ctx = {seed: 1, quick: true, profile: e5520}

/** A flexsc row with an interval (default: zero width, as the deterministic experiment gives). */
function row(batch: number, placement: string, value: number, metric = 'ratio_vs_sync', low = value, high = value) {
  const unit = metric === 'ns_per_call' ? 'ns' : 'ratio'
  const params = {batch, placement}
  return fixtureRow({
    experiment: 'flexsc-batching',
    system: 'flexsc',
    params,
    metric,
    value,
    ci95Low: low,
    ci95High: high,
    unit,
    profile: 'flexsc-i7',
  })
}

const verdict = (i: number, rows: ResultRow[]): Verdict => FLEXSC_CLAUSES[i].check(rows).verdict

describe('flexsc-batching', () => {
  it('is registered and runs on flexsc-i7 unless the run names a profile', () => {
    expect(findExperiment('flexsc-batching')).toBe(flexscBatching)
    expect(profileFor(e5520).name).toBe('flexsc-i7')
    expect(profileFor(e5520).params.clockHz).toBe(2.3e9)
    const other = loadProfile({config: 'configs/modern-mitigated.json'})
    expect(profileFor(other).params).toBe(other.params)
  })

  it('carries --set assignments given without --config over to flexsc-i7', () => {
    const withSet = loadProfile({set: ['cpu.syscallEntry=200']})
    expect(profileFor(withSet).params.cpu.syscallEntry).toBe(200)
    expect(profileFor(withSet).params.clockHz).toBe(2.3e9)
  })

  it('measures mechanisms: an IPI makes a lone remote call dearer than a same-core one, batching amortises', () => {
    const run = (batch: number, placement: string) => flexscBatching.run({batch, placement}, 'flexsc', ctx)
    const ratio = (batch: number, placement: string) => run(batch, placement).metrics.ratio_vs_sync
    const remote1 = run(1, 'remote-core')
    expect(remote1.metrics.ns_per_call).toBeGreaterThan(run(1, 'same-core').metrics.ns_per_call)
    expect(remote1.notes?.[0]).toMatch(/[1-9]\d* IPIs/)
    for (const placement of ['same-core', 'remote-core']) {
      const ratios = [1, 2, 4, 8, 16, 32, 64].map((b) => ratio(b, placement))
      for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeLessThan(ratios[i - 1])
    }
    const native = flexscBatching.run({batch: 1, placement: 'same-core'}, 'native', ctx)
    const counted = ['u_ipc', 'k_ipc', 'l1i_mpki', 'l1d_mpki', 'l2_mpki', 'l3_mpki', 'dtlb_mpki']
    expect(Object.keys(native.metrics).sort()).toEqual(['ns_per_call', 'ratio_vs_sync', ...counted].sort())
    expect(native.metrics.ratio_vs_sync).toBe(1)
    expect(flexscBatching.metrics.map((m) => m.name)).toEqual(['ns_per_call', 'ratio_vs_sync', ...counted])
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

describe('flexsc-batching clauses, on synthetic rows', () => {
  it('a lone remote call above 10x a trap: supported above, not supported below, inconclusive across', () => {
    expect(verdict(0, [row(1, 'remote-core', 10.5)])).toBe('supported')
    expect(verdict(0, [row(1, 'remote-core', 9.9)])).toBe('not supported')
    expect(verdict(0, [row(1, 'remote-core', 10, 'ratio_vs_sync', 9.5, 10.5)])).toBe('inconclusive')
  })

  it('same core below 1x at every batch 2..16, no allowance', () => {
    const good = [2, 4, 8, 16].map((b) => row(b, 'same-core', 0.95))
    expect(verdict(1, good)).toBe('supported')
    expect(verdict(1, [...good.slice(1), row(2, 'same-core', 1.01)])).toBe('not supported')
    expect(verdict(1, [...good.slice(1), row(2, 'same-core', 0.98, 'ratio_vs_sync', 0.96, 1.02)])).toBe('inconclusive')
  })

  it('remote recoups only from 32: above 1x below 32 and below 1x from 32', () => {
    const below32 = [2, 4, 8, 16].map((b) => row(b, 'remote-core', 1.2))
    const from32 = [32, 64].map((b) => row(b, 'remote-core', 0.8))
    expect(verdict(2, [...below32, ...from32])).toBe('supported')
    // recouped too early (at 16) or too late (at 32): both refute the sentence
    expect(verdict(2, [...below32.slice(0, 3), row(16, 'remote-core', 0.95), ...from32])).toBe('not supported')
    expect(verdict(2, [...below32, row(32, 'remote-core', 1.05), from32[1]])).toBe('not supported')
  })

  it('a lone remote call below 805 ns (700 ns plot axis plus 15%)', () => {
    expect(verdict(3, [row(1, 'remote-core', 800, 'ns_per_call')])).toBe('supported')
    expect(verdict(3, [row(1, 'remote-core', 810, 'ns_per_call')])).toBe('not supported')
  })

  it('same core at 64 within 15% of 1/2.3, judged at 64 only', () => {
    expect(verdict(4, [row(64, 'same-core', 0.42)])).toBe('supported')
    expect(verdict(4, [row(64, 'same-core', 0.6)])).toBe('not supported')
    expect(verdict(4, [row(64, 'same-core', 0.45, 'ratio_vs_sync', 0.4, 0.55)])).toBe('inconclusive')
  })

  it('no clause is judged on a fitted point; without rows every clause is untested', () => {
    const fitted = FITTED_POINTS.map((p) => row(p.batch, p.placement, 100))
    for (let i = 0; i < FLEXSC_CLAUSES.length; i++) {
      expect(verdict(i, fitted)).toBe('untested')
      expect(FLEXSC_CLAUSES[i].check(fitted).points).toHaveLength(0)
    }
    expect(verdict(4, [...fitted, row(64, 'same-core', 0.42)])).toBe('supported')
    expect(judgeClaim(flexscBatching, [])?.verdict).toBe('untested')
  })

  it('states its margin in its words', () => {
    for (const c of FLEXSC_CLAUSES) {
      expect(c.margin).not.toBeNull()
      expect(c.text).toMatch(/\d/)
    }
  })
})

describe('references/flexsc-batching.json', () => {
  it("loads into the experiment's reference points, one per swept point, each with its citation", () => {
    const file = loadReferences('flexsc-batching')
    expect(file.paper.url).toMatch(/^https:\/\//)
    const points = referencePoints('flexsc-batching')
    expect(flexscBatching.reference).toBe(points)
    expect(points).toEqual(pointsOf(file))
    expect(points.length).toBeGreaterThan(file.points.length)
    const keys = points.map((p) => `${p.metric} ${p.point.placement} ${p.point.batch}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(points.every((p) => p.source.startsWith(file.paper.short) && p.kind)).toBe(true)
    expect(referencePoints('no-such-experiment')).toEqual([])
  })

  it('a bad file is a one-line UsageError naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'refs-'))
    const good = JSON.parse(JSON.stringify(loadReferences('flexsc-batching'))) as {points: {kind: string}[]}
    good.points[1].kind = 'roughly'
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify(good))
    const load = () => loadReferences('flexsc-batching', bad)
    expect(load).toThrow(UsageError)
    expect(load).toThrow(/^[^\n]*bad\.json: points\.1\.kind: expected one of about, at-most, at-least[^\n]*$/)
    writeFileSync(bad, JSON.stringify({...good, points: good.points.slice(0, 1), experiment: 'other'}))
    expect(load).toThrow(/bad\.json: experiment: expected 'flexsc-batching', found 'other'/)
    expect(referencesPath('flexsc-batching')).toMatch(/references\/flexsc-batching\.json$/)
  })
})
