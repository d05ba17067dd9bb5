import {describe, expect, it} from 'vitest'
import {InvariantError} from '../../src/errors.js'
import {buildRows, checkPointResult, sumEngineStats} from '../../src/experiments/rows.js'
import type {ExperimentDef, PointResult} from '../../src/experiments/types.js'
import {arith, fakeEngine} from './fixtures.js'

const res = (latency: number, throughput: number): PointResult => ({
  metrics: {latency, throughput},
  engine: fakeEngine(1),
})

describe('buildRows', () => {
  const points = [
    {threads: 1, kind: 'a'},
    {threads: 3, kind: 'a'},
  ]
  // one replicate per point
  const results = [[[res(2, 0.5), res(1, 1)]], [[res(6, 4), res(3, 0)]]]
  const rows = buildRows(arith, ['native', 'virtuos'], points, results, 7, 'p')

  it('orders rows by point, then system, then metric', () => {
    expect(rows.map((r) => `${r.params.threads}/${r.system}/${r.metric}`)).toEqual([
      '1/native/latency',
      '1/native/throughput',
      '1/virtuos/latency',
      '1/virtuos/throughput',
      '3/native/latency',
      '3/native/throughput',
      '3/virtuos/latency',
      '3/virtuos/throughput',
    ])
  })

  it('takes native_value from the native row of the same point and metric', () => {
    const v = rows.find((r) => r.params.threads === 3 && r.system === 'virtuos' && r.metric === 'latency')!
    expect(v.nativeValue).toBe(6)
    expect(v.ratioVsNative).toBe(0.5)
  })

  it('gives native rows a ratio of 1', () => {
    expect(rows.filter((r) => r.system === 'native' && r.nativeValue !== 0).every((r) => r.ratioVsNative === 1)).toBe(
      true,
    )
  })

  it('leaves the ratio empty when native is 0', () => {
    const r = buildRows(arith, ['native', 'virtuos'], [points[0]], [[[res(0, 1), res(1, 1)]]], 7, 'p')
    expect(r[2]).toMatchObject({metric: 'latency', nativeValue: 0, ratioVsNative: null})
  })

  it('leaves native_value and ratio empty when native was not run', () => {
    const r = buildRows(arith, ['virtuos'], [points[0]], [[[res(1, 1)]]], 7, 'p')
    expect(r.every((x) => x.nativeValue === null && x.ratioVsNative === null)).toBe(true)
  })

  it('carries units, direction, run seed and profile', () => {
    expect(rows[1]).toMatchObject({unit: 'ops/s', better: 'higher', seed: 7, profile: 'p', experiment: 'arith'})
  })
})

describe('buildRows with replicates', () => {
  const point = {threads: 1, kind: 'a'}
  // three replicates (seeds) of one point: native then virtuos in each
  const grid = [
    [
      [res(10, 1), res(5, 1)],
      [res(20, 1), res(10, 1)],
      [res(30, 1), res(15, 1)],
    ],
  ]
  const rows = buildRows(arith, ['native', 'virtuos'], [point], grid, 7, 'p')
  const at = (system: string, metric: string) => rows.find((r) => r.system === system && r.metric === metric)!

  it('gives the mean and a Student-t 95% interval over the replicates, and their count', () => {
    const n = at('native', 'latency')
    expect(n.value).toBe(20)
    expect(n.replicates).toBe(3)
    // sd 10, se 10/sqrt(3), t(2) = 4.303
    expect(n.ci95High - n.value).toBeCloseTo((4.303 * 10) / Math.sqrt(3), 9)
    expect(n.value - n.ci95Low).toBeCloseTo(n.ci95High - n.value, 9)
  })

  it('summarises the ratio from per-replicate pairs: same seed on both sides, so a constant ratio has no width', () => {
    const v = at('virtuos', 'latency')
    expect(v.ratioVsNative).toBe(0.5)
    expect([v.ratioCi95Low, v.ratioCi95High]).toEqual([0.5, 0.5])
    // while the value itself varies from seed to seed
    expect(v.ci95High).toBeGreaterThan(v.ci95Low)
  })

  it('gives replicates that agree an interval of zero width', () => {
    const t = at('virtuos', 'throughput')
    expect([t.value, t.ci95Low, t.ci95High]).toEqual([1, 1, 1])
  })

  it('records the fewest samples of a replicate when the experiment counts them, else null', () => {
    expect(rows.every((r) => r.samples === null)).toBe(true)
    const counted = {...arith, counts: 'requests'}
    const withSamples = (n: number): PointResult => ({...res(1, 1), samples: n})
    const r = buildRows(counted, ['native'], [point], [[[withSamples(300)], [withSamples(120)]]], 7, 'p')
    expect(r[0].samples).toBe(120)
  })
})

describe('checkPointResult', () => {
  const def: ExperimentDef = arith
  it('accepts exactly the declared metrics', () => {
    expect(() => checkPointResult(def, 'x', res(1, 2))).not.toThrow()
  })
  it('rejects a missing, extra or non-finite metric', () => {
    expect(() => checkPointResult(def, 'x', {metrics: {latency: 1}, engine: fakeEngine(1)})).toThrow(InvariantError)
    expect(() =>
      checkPointResult(def, 'x', {metrics: {latency: 1, throughput: 1, extra: 2}, engine: fakeEngine(1)}),
    ).toThrow(/extra/)
    expect(() => checkPointResult(def, 'x', res(NaN, 1))).toThrow(/finite/)
  })
})

describe('sumEngineStats', () => {
  it('sums counts and recomputes rates from the sums', () => {
    const t = sumEngineStats([
      {events: 100, simulatedCycles: 1000, hostSeconds: 1, eventsPerSecond: 100, simulatedSecondsPerHostSecond: 4},
      {events: 300, simulatedCycles: 3000, hostSeconds: 3, eventsPerSecond: 100, simulatedSecondsPerHostSecond: 2},
    ])
    expect(t).toEqual({
      points: 2,
      events: 400,
      simulatedCycles: 4000,
      hostSeconds: 4,
      eventsPerSecond: 100,
      simulatedSecondsPerHostSecond: 2.5,
    })
  })
  it('reports zero rates for no time at all', () => {
    expect(sumEngineStats([]).eventsPerSecond).toBe(0)
  })
})
