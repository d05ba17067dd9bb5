import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {selftest} from '../../src/experiments/selftest.js'
import {chartsFromCsv} from '../../src/report/chart.js'
import {existingCharts, writePaper} from '../../src/report/paper.js'
import {selftestRun} from './fixtures.js'

const fresh = () => mkdtempSync(join(tmpdir(), 'virtuos-paper-'))

describe('writePaper', () => {
  it('writes CSV, metadata, charts and a report whose links all resolve, and no temporary file', async () => {
    const dir = join(fresh(), 'out')
    const written = await writePaper(dir, [await selftestRun()])
    expect(readdirSync(dir).sort()).toEqual([
      'REPORT.md',
      'charts',
      'claims.json',
      'design-space.csv',
      'report.html',
      'selftest.csv',
      'selftest.meta.json',
    ])
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual([
      'design-space.png',
      'design-space.svg',
      'selftest.latency.png',
      'selftest.latency.svg',
      'selftest.throughput.png',
      'selftest.throughput.svg',
    ])
    expect(written).toHaveLength(12)
    // claims.json: every clause with its verdict and the rows behind it
    const claims = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8'))
    expect(claims).toEqual([
      expect.objectContaining({experiment: 'selftest', verdict: 'supported', margin: 0, clause: expect.any(String)}),
    ])
    expect(claims[0].points[0]).toEqual(
      expect.objectContaining({system: 'virtuos', metric: 'throughput', replicates: 1, ci95_low: expect.any(Number)}),
    )
    const report = readFileSync(join(dir, 'REPORT.md'), 'utf8')
    const links = [...report.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1])
    expect(links).toEqual(
      expect.arrayContaining([
        'charts/selftest.throughput.svg',
        'charts/selftest.latency.svg',
        'charts/design-space.svg',
        'design-space.csv',
        'selftest.csv',
        'selftest.meta.json',
      ]),
    )
    for (const link of links) expect(existsSync(join(dir, link))).toBe(true)
  })

  it('draws the charts from the CSV file alone: re-plotting the written CSV gives the same SVG', async () => {
    const dir = fresh()
    await writePaper(dir, [await selftestRun()])
    const again = await chartsFromCsv(readFileSync(join(dir, 'selftest.csv'), 'utf8'), selftest)
    for (const c of again) expect(readFileSync(join(dir, 'charts', c.file), 'utf8')).toBe(c.svg)
  })

  it("removes the regenerated experiment's charts of an earlier run (a metric no longer produced), not other experiments' files", async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'charts'))
    const stale = ['selftest.old_metric.svg', 'selftest.old_metric.png']
    // another experiment's charts (one whose id extends this one's), a non-chart file, a dotted name
    const kept = [
      'selftest-timeline.throughput.svg',
      'selftest.old_metric.txt',
      'selftest.a.b.svg',
      'coordination.latency_ns.png',
    ]
    for (const f of [...stale, ...kept]) writeFileSync(join(dir, 'charts', f), 'old')
    await writePaper(dir, [await selftestRun()])
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(
      [
        ...kept,
        'design-space.png',
        'design-space.svg',
        'selftest.latency.png',
        'selftest.latency.svg',
        'selftest.throughput.png',
        'selftest.throughput.svg',
      ].sort(),
    )
    expect(existingCharts(dir, ['selftest'])).toHaveLength(4)
  })

  it('removes the design-space chart of an earlier run when this run draws none (no ratio to native)', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'charts'))
    for (const f of ['design-space.svg', 'design-space.png']) writeFileSync(join(dir, 'charts', f), 'old')
    const run = await selftestRun()
    const alone = run.rows
      .filter((r) => r.system === 'virtuos')
      .map((r) => ({...r, nativeValue: null, ratioVsNative: null, ratioCi95Low: null, ratioCi95High: null}))
    await writePaper(dir, [{...run, systems: ['virtuos'], rows: alone}])
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.startsWith('design-space'))).toEqual([])
    expect(readFileSync(join(dir, 'design-space.csv'), 'utf8')).toMatch(/^experiment,.*\nselftest,throughput,/)
    expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).not.toContain('design-space.svg')
  })

  it('keeps stale charts when the write fails: the removal is part of the all-or-nothing write', async () => {
    const dir = fresh()
    mkdirSync(join(dir, 'charts'))
    writeFileSync(join(dir, 'charts', 'selftest.old_metric.svg'), 'old')
    mkdirSync(join(dir, 'REPORT.md')) // a directory where the report must go: its rename fails
    await expect(writePaper(dir, [await selftestRun()])).rejects.toThrow(UsageError)
    expect(readdirSync(join(dir, 'charts'))).toContain('selftest.old_metric.svg')
  })

  it('writes nothing at all when one file cannot be written, and says which', async () => {
    const dir = fresh()
    writeFileSync(join(dir, 'charts'), 'a file where the chart directory must go')
    const run = await selftestRun()
    await expect(writePaper(dir, [run])).rejects.toThrow(UsageError)
    await expect(writePaper(dir, [run])).rejects.toThrow(/--out: cannot write .*charts/)
    expect(readdirSync(dir)).toEqual(['charts'])
  })
})
