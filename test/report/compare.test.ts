import {describe, expect, it} from 'vitest'
import {
  compareRows,
  comparisonFailed,
  comparisonJson,
  counts,
  relativeChange,
  renderComparison,
  tolerancesOf,
} from '../../src/report/compare.js'
import {MARKDOWN_ROWS, renderJunit, renderMarkdownSummary} from '../../src/report/gate.js'
import {valueClause} from '../../src/experiments/claims.js'
import type {ExperimentDef, ResultRow} from '../../src/experiments/types.js'
import {row} from './fixtures.js'

/** The row with another value (a run of one replicate: its interval moves with it). */
const withValue = (r: ResultRow, value: number): ResultRow => ({...r, value, ci95Low: value, ci95High: value})

const base = [
  row({system: 'native', params: {n: 1}, value: 100}),
  row({system: 'virtuos', params: {n: 1}, value: 200}),
  row({system: 'native', params: {n: 2}, value: 50}),
  row({system: 'virtuos', params: {n: 2}, value: 0}),
]

/** A one-clause claim that holds while virtuos at n=1 stays below 250 (latency, lower is better). */
const def = {
  id: 'exp',
  clauses: [
    valueClause({
      text: 'virtuos stays fast',
      system: 'virtuos',
      metric: 'latency',
      side: 'below',
      threshold: 250,
      at: (p) => p.n === 1,
    }),
  ],
} as unknown as ExperimentDef
const definitions = new Map([['exp', def]])

describe('relativeChange', () => {
  it('is relative to |old|, 0 for equal values, null from 0', () => {
    expect(relativeChange(100, 102)).toBeCloseTo(0.02)
    expect(relativeChange(-100, -90)).toBeCloseTo(0.1)
    expect(relativeChange(0, 0)).toBe(0)
    expect(relativeChange(0, 1)).toBeNull()
  })
})

describe('compareRows', () => {
  it('passes rows within the tolerance', () => {
    const now = base.map((r) => withValue(r, r.value * 1.019))
    const c = compareRows(base, now, 0.02)
    expect(c).toMatchObject({checked: 4, moved: [], missing: [], extra: []})
    expect(comparisonFailed(c)).toBe(false)
    expect(renderComparison(c, 'b')).toMatch(
      /4 rows checked against b \(tolerance 2%\): 0 moved \(0 regressed, 0 improved\), 0 verdict flips, 0 missing, 0 extra: ok/,
    )
  })

  it('lists rows beyond the tolerance largest first, classified by the metric direction', () => {
    const now = base.map((r, i) => (i === 0 ? withValue(r, 103) : i === 1 ? withValue(r, 150) : r))
    const c = compareRows(base, now, 0.02)
    expect(comparisonFailed(c)).toBe(true)
    expect(c.moved.map((m) => [m.old.value, m.now.value, m.kind])).toEqual([
      [200, 150, 'improved'], // latency (lower is better) fell
      [100, 103, 'regressed'],
    ])
    const text = renderComparison(c, 'b')
    expect(text).toMatch(/virtuos\s+n=1\s+latency\s+improved\s+200\s+150\s+-25%/)
    expect(text).toMatch(/native\s+n=1\s+latency\s+regressed\s+100\s+103\s+\+3%/)
    expect(text.indexOf('-25%')).toBeLessThan(text.indexOf('+3%'))
    expect(text).toMatch(/2 moved \(1 regressed, 1 improved\), 0 verdict flips, 0 missing, 0 extra: FAIL/)
  })

  it('a higher-is-better metric that rises improved, one that falls regressed', () => {
    const hi = [
      row({system: 'native', value: 10, better: 'higher', metric: 'tput'}),
      row({system: 'virtuos', value: 10, better: 'higher', metric: 'tput'}),
    ]
    const c = compareRows(
      hi,
      [
        {...hi[0], value: 12},
        {...hi[1], value: 8},
      ],
      0.02,
    )
    expect(c.moved.map((m) => m.kind).sort()).toEqual(['improved', 'regressed'])
    expect(counts(c)).toMatchObject({moved: 2, regressed: 1, improved: 1, failed: true})
  })

  it('ranks a change from 0 after the finite relative changes, shown as an absolute change, not +inf', () => {
    const now = base.map((r, i) => (i === 3 ? withValue(r, 3.3) : i === 0 ? withValue(r, 110) : r))
    const c = compareRows(base, now, 0.02)
    expect(c.moved.map((m) => m.change)).toEqual([expect.closeTo(0.1), null])
    const text = renderComparison(c, 'b')
    expect(text).not.toMatch(/inf/)
    expect(text).toMatch(/n=2\s+latency\s+regressed\s+0\s+3\.3\s+from 0 \(\+3\.3\)/)
  })

  it('an absolute tolerance lets small changes pass (a row moves only beyond both tolerances)', () => {
    const now = base.map((r, i) => (i === 3 ? withValue(r, 1e-9) : i === 0 ? withValue(r, 100.5) : r))
    expect(compareRows(base, now, 0.001).moved).toHaveLength(2)
    expect(compareRows(base, now, tolerancesOf(0.001, 1)).moved).toHaveLength(0)
    // a change from 0 has no relative size: only the absolute tolerance can let it pass
    expect(compareRows(base, now, tolerancesOf(0.5, 0)).moved).toHaveLength(1)
  })

  it('per-metric tolerances override the defaults for that metric only', () => {
    const two = [...base, row({system: 'native', params: {n: 1}, metric: 'tput', better: 'higher', value: 100})]
    const now = two.map((r) => (r.value === 100 ? withValue(r, 104) : r))
    expect(compareRows(two, now, tolerancesOf(0.02)).moved).toHaveLength(2)
    const c = compareRows(two, now, tolerancesOf(0.02, 0, {latency: {relative: 0.05}}))
    expect(c.moved.map((m) => m.old.metric)).toEqual(['tput'])
    expect(renderComparison(c, 'b')).toMatch(/tolerance 2%, latency 5%/)
    expect(
      compareRows(two, now, tolerancesOf(0.02, 0, {tput: {absolute: 4}, latency: {absolute: 5}})).moved,
    ).toHaveLength(0)
  })

  it('reports rows on one side only as missing or extra, matched on system, params and metric', () => {
    const now = [
      base[0],
      base[1],
      base[2],
      row({system: 'virtuos', params: {n: 3}, value: 0}),
      row({system: 'virtuos', params: {n: 2}, value: 0, metric: 'other'}),
    ]
    const c = compareRows(base, now, 0.02)
    expect(c.missing).toEqual([base[3]])
    expect(c.extra.map((r) => [r.params.n, r.metric])).toEqual([
      [3, 'latency'],
      [2, 'other'],
    ])
    expect(comparisonFailed(c)).toBe(true)
    const text = renderComparison(c, 'b')
    expect(text).toMatch(/missing \(in the baseline, not produced now\):\n.*\n\s+exp\s+virtuos\s+n=2\s+latency/)
    expect(text).toMatch(/0 moved \(0 regressed, 0 improved\), 0 verdict flips, 1 missing, 2 extra: FAIL/)
  })

  it('distinguishes a numeric param from the same text', () => {
    const c = compareRows(
      [row({system: 'native', params: {n: 1}, value: 1})],
      [row({system: 'native', params: {n: '1'}, value: 1})],
      0,
    )
    expect([c.missing.length, c.extra.length]).toEqual([1, 1])
  })
})

describe('claim verdicts', () => {
  it('judges each clause on each side and lists a changed verdict first', () => {
    const now = base.map((r, i) => (i === 1 ? withValue(r, 300) : i === 0 ? withValue(r, 500) : r))
    const c = compareRows(base, now, 0.02, {definitions})
    expect(c.claims).toEqual([
      expect.objectContaining({
        experiment: 'exp',
        claim: 'virtuos stays fast',
        flipped: true,
        old: expect.objectContaining({verdict: 'supported'}),
        now: expect.objectContaining({verdict: 'not supported'}),
      }),
    ])
    const text = renderComparison(c, 'b')
    expect(text.indexOf('clause verdicts that changed')).toBe(0)
    expect(text).toMatch(/exp\s+virtuos stays fast\s+supported\s+not supported\s+virtuos's latency below 250.*n=1/)
    expect(text).toMatch(/1 verdict flip, /)
  })

  it('a flip alone fails the gate; an unchanged verdict is recorded but passes', () => {
    const same = compareRows(base, base, 0.02, {definitions})
    expect(same.claims[0].flipped).toBe(false)
    expect(comparisonFailed(same)).toBe(false)
    const now = base.map((r, i) => (i === 1 ? withValue(r, 260) : r))
    expect(comparisonFailed(compareRows(base, now, 0.5, {definitions}))).toBe(true)
  })
})

describe('CI reports', () => {
  const now = base.map((r, i) => (i === 1 ? withValue(r, 300) : r))
  const other = [row({experiment: 'other', system: 'native', value: 1})]
  const c = compareRows([...base, ...other], [...now, ...other], 0.02, {definitions})

  it('JUnit: one suite per experiment, a figures case and a case per clause, failures escaped', () => {
    const x = renderJunit(c, 'results/baseline')
    expect(x).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="virtuos bench compare" tests="3" failures="2" errors="0">/,
    )
    expect(x).toMatch(/<testsuite name="exp" tests="2" failures="2"/)
    expect(x).toMatch(/<testsuite name="other" tests="1" failures="0"/)
    expect(x).toMatch(
      /<testcase classname="virtuos.exp" name="exp: figures" time="0">\n\s+<failure message="1 moved, 0 missing, 0 extra \(tolerance 2%\)" type="moved">regressed: virtuos n=1 latency 200 -&gt; 300 \(\+50%\)<\/failure>/,
    )
    expect(x).toMatch(
      /name="exp: clause 1"[^]*?<failure message="clause verdict changed: was supported, now not supported/,
    )
    expect(x).toMatch(/<testcase classname="virtuos.other" name="other: figures" time="0"\/>/)
    expect(x.trimEnd().endsWith('</testsuites>')).toBe(true)
  })

  it('Markdown: a headline verdict, flips, and the moved rows as a table (bounded)', () => {
    const m = renderMarkdownSummary(c, 'results/baseline')
    expect(m).toMatch(/^## virtuos bench compare: ❌ figures moved\n/)
    expect(m).toMatch(/\*\*1 moved\*\* \(1 regressed, 0 improved\), \*\*1 verdict flip\*\*/)
    expect(m).toMatch(/### Clause verdicts that changed\n\n\| experiment \| clause \| was \| now \| detail \|/)
    expect(m).toMatch(/\| exp \| virtuos \| n=1 \| latency \| 🔻 regressed \| 200 \| 300 \| \+50% \|/)
    const many = Array.from({length: MARKDOWN_ROWS + 5}, (_, i) => row({system: 'native', params: {n: i}, value: 1}))
    const big = renderMarkdownSummary(
      compareRows(
        many,
        many.map((r) => withValue(r, 2)),
        0.02,
      ),
      'b',
    )
    expect(big).toMatch(/\.\.\. and 5 more/)
    expect(renderMarkdownSummary(compareRows(base, base, 0.02), 'b')).toMatch(/✅ no figure moved/)
  })

  it('JSON: summary counts, classes and null for a change from 0', () => {
    const j = comparisonJson(
      compareRows(
        base,
        base.map((r, i) => (i === 3 ? withValue(r, 2) : r)),
        0.02,
      ),
      'b',
    )
    expect(j.summary).toMatchObject({checked: 4, moved: 1, regressed: 1, failed: true})
    expect(j.moved[0]).toMatchObject({class: 'regressed', old: 0, new: 2, change: null, delta: 2})
  })
})

describe('provenance columns in a comparison', () => {
  const strip = (r: ResultRow): ResultRow => {
    const {profileHash: _h, overrides: _o, ...rest} = r
    return rest
  }
  it('a baseline without them: no row moves, one note says so', () => {
    const c = compareRows(base.map(strip), base, 0.02)
    expect(counts(c)).toMatchObject({checked: 4, moved: 0, missing: 0, extra: 0, failed: false})
    expect(c.notes).toHaveLength(1)
    expect(c.notes[0]).toMatch(/^the baseline's rows carry no profile_hash\/overrides/)
    const text = renderComparison(c, 'b')
    expect(text.match(/profile_hash/g)).toHaveLength(1)
    expect(comparisonJson(c, 'b').notes).toEqual(c.notes)
  })
  it('another profile hash or overrides: matched and compared on the value alone, named once', () => {
    const now = base.map((r) => ({...r, profileHash: 'fedcba987654', overrides: 'cpu.wakeup=300'}))
    const c = compareRows(base, now, 0.02)
    expect(counts(c)).toMatchObject({checked: 4, moved: 0, failed: false})
    expect(c.notes).toEqual([
      'rows of profile 0123456789ab compared with rows of profile fedcba987654 with cpu.wakeup=300 (provenance, not a figure)',
    ])
    expect(renderMarkdownSummary(c, 'b')).toContain('Note: rows of profile 0123456789ab')
  })
  it('the same provenance on both sides: nothing to say', () => {
    expect(compareRows(base, base, 0.02).notes).toEqual([])
  })
})
