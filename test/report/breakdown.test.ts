/**
 * `bench run --breakdown`: the breakdown of a real point adds up per domain, its CSV reads back as
 * written, the terminal table and the stacked-bar chart show it, and REPORT.md / report.html of a
 * result folder with a breakdown draw it.
 */
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {breakdownPoint, runBreakdown} from '../../src/cli/breakdown.js'
import {loadProfile} from '../../src/config/index.js'
import {coordination} from '../../src/experiments/coordination.js'
import type {BreakdownRow} from '../../src/experiments/types.js'
import {
  breakdownCsv,
  breakdownChart,
  breakdownSpec,
  readBreakdownCsv,
  renderBreakdown,
} from '../../src/report/breakdown.js'
import {writeResults} from '../../src/report/files.js'
import {writePaper} from '../../src/report/paper.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {loadRun} from '../../src/report/resultdir.js'
import {selftestRun} from './fixtures.js'

const setup = {seed: 1, quick: true, profile: loadProfile(), jobs: 1, replicates: 1, sets: []}
const rows: BreakdownRow[] = runBreakdown(coordination, ['native', 'virtuos'], setup)

describe('runBreakdown', () => {
  it('takes the declared breakdown point, else the design-space point, else the last quick point', () => {
    const last = Object.fromEntries(coordination.axes.map((a) => [a.name, a.quick[a.quick.length - 1]]))
    const spaced = {...coordination, designSpace: {metric: coordination.metrics[0].name, point: {gap_us: 0}}}
    expect(breakdownPoint({...spaced, breakdownPoint: {gap_us: 5}})).toEqual({gap_us: 5})
    expect(breakdownPoint(spaced)).toEqual({...last, gap_us: 0})
    expect(breakdownPoint({...coordination, designSpace: {omitted: 'a time series'}})).toEqual(last)
  })
  it('gives every domain of every system shares adding up to 1, in whole cycles', () => {
    expect(new Set(rows.map((r) => r.system))).toEqual(new Set(['native', 'virtuos']))
    const domains = new Set(rows.map((r) => `${r.system}/${r.domain}`))
    expect(domains).toEqual(new Set(['native/native', 'virtuos/primary', 'virtuos/storage', 'virtuos/network']))
    for (const d of domains) {
      const mine = rows.filter((r) => `${r.system}/${r.domain}` === d)
      expect(mine.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12)
      expect(mine.every((r) => Number.isInteger(r.cycles) && r.cycles > 0)).toBe(true)
    }
    // the mechanism shows: storage workers poll, the primary's caller pays queue operations
    const has = (d: string, a: string) => rows.some((r) => r.domain === d && r.activity === a)
    expect([has('storage', 'polling'), has('primary', 'queue'), has('native', 'queue')]).toEqual([true, true, false])
  })
  it('same seed, same breakdown', () => {
    expect(runBreakdown(coordination, ['virtuos'], setup)).toEqual(rows.filter((r) => r.system === 'virtuos'))
  })
})

describe('breakdown files and views', () => {
  it('CSV: reads back as written; a bad activity is one line naming file and line', () => {
    const csv = breakdownCsv(rows)
    expect(csv.split('\n')[0]).toBe('experiment,point,system,domain,activity,cycles,share')
    expect(readBreakdownCsv(csv, 'x.csv')).toEqual(rows)
    expect(() => readBreakdownCsv(csv.replace(',polling,', ',napping,'), 'x.csv')).toThrow(
      /x\.csv line \d+: unknown activity 'napping'/,
    )
  })
  it('the table: one block per system, a column per domain, shares in percent', () => {
    const text = renderBreakdown(rows, new Chalk({level: 0}))
    expect(text).toMatch(/breakdown: coordination at gap_us=\d+.*, virtuos/)
    expect(text).toMatch(/activity\s+primary\s+storage\s+network/)
    expect(text).toMatch(/\nidle\s+[\d.]+%/)
  })
  it('the chart: a bar per system and domain, stacked by activity, rendered to SVG', async () => {
    const spec = breakdownSpec(rows) as unknown as {encoding: {y: {sort: string[]}; x: {stack: string}}}
    expect(spec.encoding.y.sort).toEqual([
      'native / native',
      'virtuos / primary',
      'virtuos / storage',
      'virtuos / network',
    ])
    expect(spec.encoding.x.stack).toBe('zero')
    const chart = await breakdownChart('coordination', rows)
    expect(chart.file).toBe('coordination.breakdown.svg')
    expect(chart.svg).toMatch(/^<svg/)
  })
  it('REPORT.md and report.html of a run with a breakdown draw it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'virtuos-breakdown-')), 'out')
    const run = await selftestRun()
    const mine = rows.map((r) => ({...r, experiment: 'selftest'}))
    await writePaper(dir, [{...run, breakdown: mine}])
    expect(readdirSync(dir)).toContain('selftest.breakdown.csv')
    expect(readdirSync(join(dir, 'charts'))).toContain('selftest.breakdown.svg')
    expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toContain('(charts/selftest.breakdown.svg)')
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('selftest: where the cycles go')
  })
  it('a result folder reads back with its breakdown (bench report redraws it)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'virtuos-breakdown-')), 'out')
    const [run] = await runExperiments([coordination], {...setup, systems: ['virtuos']})
    const mine = rows.filter((r) => r.system === 'virtuos')
    writeResults(dir, [{...run, breakdown: mine}])
    expect(loadRun(dir, 'coordination').breakdown).toEqual(mine)
    expect(loadRun(dir, 'coordination', () => {}).rows).toEqual(run.rows)
    // run again without a breakdown: the earlier one goes, so the folder never shows a stale one
    writeResults(dir, [run])
    expect(readdirSync(dir)).not.toContain('coordination.breakdown.csv')
    expect(loadRun(dir, 'coordination').breakdown).toBeUndefined()
  })
})
