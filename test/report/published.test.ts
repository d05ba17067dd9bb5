/** comparePublished: each published point beside the row it stands for, on synthetic rows (no model run). */
import {describe, expect, it} from 'vitest'
import {comparePublished, ratioRows} from '../../src/report/published.js'
import type {ReferencePoint} from '../../src/experiments/types.js'
import {copyDef, row} from './fixtures.js'

const ref = (over: Partial<ReferencePoint>): ReferencePoint => ({
  system: 'virtuos',
  point: {n: 1},
  metric: 'latency',
  value: 100,
  source: 's',
  ...over,
})

describe('comparePublished', () => {
  const rows = [
    row({system: 'native', value: 50}),
    row({system: 'virtuos', value: 110, ci95Low: 100, ci95High: 120, ratioVsNative: 2.2}),
    row({system: 'virtuos', params: {n: 2}, value: 90}),
  ]

  it('matches each point to its row and gives the error on the mean, or on the ratio to native', () => {
    const def = {
      ...copyDef,
      reference: [
        ref({}),
        ref({of: 'ratio_vs_native', value: 2}),
        ref({point: {n: 3}}),
        ref({point: {n: 2}, of: 'ratio_vs_native', value: 2}),
      ],
    }
    const [value, ratio, missing, noNative] = comparePublished(def, rows)
    expect(value.model).toEqual({value: 110, low: 100, high: 120})
    expect(value.gap!.errorPct).toBeCloseTo(10)
    expect(ratio.model!.value).toBe(2.2)
    expect(ratio.gap!.errorPct).toBeCloseTo(10)
    expect([missing.row, missing.model, missing.gap]).toEqual([null, null, null])
    // a row without a ratio to native: there, but nothing to compare
    expect(noNative.row).not.toBeNull()
    expect(noNative.model).toBeNull()
  })

  it('ratio rows leave native out and carry the ratio and its interval as the value', () => {
    const out = ratioRows(rows, 'latency')
    expect(out.map((r) => [r.system, r.metric, r.value, r.unit])).toEqual([
      ['virtuos', 'latency_vs_native', 2.2, 'ratio'],
    ])
  })
})
