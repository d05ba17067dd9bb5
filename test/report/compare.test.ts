import {describe, expect, it} from 'vitest'
import {compareRows, comparisonFailed, relativeChange, renderComparison} from '../../src/report/compare.js'
import {row} from './fixtures.js'

const base = [
  row({system: 'native', params: {n: 1}, value: 100}),
  row({system: 'virtuos', params: {n: 1}, value: 200}),
  row({system: 'native', params: {n: 2}, value: 50}),
  row({system: 'virtuos', params: {n: 2}, value: 0}),
]

describe('relativeChange', () => {
  it('is relative to |old|, 0 for equal values, infinite from 0', () => {
    expect(relativeChange(100, 102)).toBeCloseTo(0.02)
    expect(relativeChange(-100, -90)).toBeCloseTo(0.1)
    expect(relativeChange(0, 0)).toBe(0)
    expect(relativeChange(0, 1)).toBe(Infinity)
  })
})

describe('compareRows', () => {
  it('passes rows within the tolerance', () => {
    const now = base.map((r) => ({...r, value: r.value * 1.019}))
    const c = compareRows(base, now, 0.02)
    expect(c).toMatchObject({checked: 4, moved: [], missing: [], extra: []})
    expect(comparisonFailed(c)).toBe(false)
    expect(renderComparison(c, 'b')).toMatch(/4 rows checked against b \(tolerance 2%\): 0 moved, 0 missing, 0 extra: ok/)
  })

  it('lists rows beyond the tolerance worst first with old, new and change', () => {
    const now = base.map((r, i) => (i === 0 ? {...r, value: 103} : i === 1 ? {...r, value: 150} : r))
    const c = compareRows(base, now, 0.02)
    expect(comparisonFailed(c)).toBe(true)
    expect(c.moved.map((m) => [m.old.value, m.now.value])).toEqual([
      [200, 150],
      [100, 103],
    ])
    const text = renderComparison(c, 'b')
    expect(text).toMatch(/virtuos\s+n=1\s+latency\s+200\s+150\s+-25%/)
    expect(text.indexOf('-25%')).toBeLessThan(text.indexOf('+3%'))
    expect(text).toMatch(/2 moved, 0 missing, 0 extra: FAIL/)
  })

  it('treats a change from 0 as moved', () => {
    const now = base.map((r, i) => (i === 3 ? {...r, value: 1e-9} : r))
    expect(compareRows(base, now, 0.5).moved).toHaveLength(1)
  })

  it('reports rows on one side only as missing or extra, matched on system, params and metric', () => {
    const now = [base[0], base[1], base[2], row({system: 'virtuos', params: {n: 3}, value: 0}), row({system: 'virtuos', params: {n: 2}, value: 0, metric: 'other'})]
    const c = compareRows(base, now, 0.02)
    expect(c.missing).toEqual([base[3]])
    expect(c.extra.map((r) => [r.params.n, r.metric])).toEqual([
      [3, 'latency'],
      [2, 'other'],
    ])
    expect(comparisonFailed(c)).toBe(true)
    const text = renderComparison(c, 'b')
    expect(text).toMatch(/missing \(in the baseline, not produced now\):\n.*\n\s+exp\s+virtuos\s+n=2\s+latency/)
    expect(text).toMatch(/0 moved, 1 missing, 2 extra: FAIL/)
  })

  it('distinguishes a numeric param from the same text', () => {
    const c = compareRows([row({system: 'native', params: {n: 1}, value: 1})], [row({system: 'native', params: {n: '1'}, value: 1})], 0)
    expect([c.missing.length, c.extra.length]).toEqual([1, 1])
  })
})
