import {describe, expect, it} from 'vitest'
import {
  above,
  betterThanNative,
  conjunction,
  everyOf,
  judgeClaim,
  matchesTri,
  nearNative,
  paysVsNative,
  referenceGap,
  someOf,
  trendClause,
  valueClause,
  versusClause,
} from '../../src/experiments/claims.js'
import type {ExperimentDef, ResultRow, SystemId} from '../../src/experiments/types.js'

/** A row of a lower-is-better latency; `spread` widens the value's and the ratio's interval by +-spread. */
const row = (size: number, value: number, nativeValue: number, spread = 0, system: SystemId = 'virtuos'): ResultRow => {
  const ratio = value / nativeValue
  const r = spread / nativeValue
  return {
    experiment: 'x',
    system,
    params: {size},
    metric: 'latency_ns',
    value,
    ci95Low: value - spread,
    ci95High: value + spread,
    replicates: spread > 0 ? 3 : 1,
    unit: 'ns',
    better: 'lower',
    nativeValue,
    ratioVsNative: ratio,
    ratioCi95Low: ratio - r,
    ratioCi95High: ratio + r,
    samples: null,
    seed: 1,
    profile: 'p',
  }
}

describe('three-valued judgements', () => {
  it('decides an interval wholly past the margin and leaves one that straddles it open', () => {
    expect(above({mid: 1.2, low: 1.1, high: 1.3}, 1.05)).toBe(true)
    expect(above({mid: 1.0, low: 0.9, high: 1.04}, 1.05)).toBe(false)
    expect(above({mid: 1.06, low: 1.0, high: 1.12}, 1.05)).toBe(null)
  })
  it('combines points as Kleene logic: one true decides "some", one false refutes "every"', () => {
    expect(someOf([false, null, true])).toBe(true)
    expect(someOf([false, null])).toBe(null)
    expect(someOf([false, false])).toBe(false)
    expect(everyOf([true, null, false])).toBe(false)
    expect(everyOf([true, null])).toBe(null)
    expect(conjunction(['supported', 'inconclusive'])).toBe('inconclusive')
    expect(conjunction(['inconclusive', 'not supported'])).toBe('not supported')
  })
})

describe('paysVsNative', () => {
  const clause = paysVsNative({text: 'pays', system: 'virtuos', metric: 'latency_ns', margin: 0.05})
  it('is supported when some point is worse than native beyond the margin, and names it', () => {
    const v = clause.check([row(1, 100, 100), row(2, 150, 100)])
    expect(v.verdict).toBe('supported')
    expect(v.detail).toContain('holds at 1 of 2 points')
    expect(v.detail).toContain('size=2')
  })
  it('is not supported when every point is within the margin, untested without native rows', () => {
    expect(clause.check([row(1, 104, 100), row(2, 90, 100)]).verdict).toBe('not supported')
    const alone = {...row(1, 100, 100), nativeValue: null, ratioVsNative: null, ratioCi95Low: null, ratioCi95High: null}
    expect(clause.check([alone]).verdict).toBe('untested')
  })
  it('is inconclusive when the interval of the only candidate straddles the margin', () => {
    // ratio 1.06 +- 0.04: the slowdown may be below 5%
    expect(clause.check([row(1, 106, 100, 4)]).verdict).toBe('inconclusive')
    expect(clause.check([row(1, 106, 100, 0.5)]).verdict).toBe('supported')
  })
  it('carries the rows it judged and their native rows', () => {
    const native = {...row(1, 100, 100), system: 'native' as const}
    const v = clause.check([native, row(1, 150, 100)])
    expect(v.points.map((p) => p.system)).toEqual(['virtuos', 'native'])
  })
})

describe('betterThanNative and nearNative', () => {
  it("selects points with `at` and reads gain in the metric's direction", () => {
    const c = betterThanNative({
      text: 't',
      system: 'virtuos',
      metric: 'latency_ns',
      margin: 0.05,
      at: (p) => p.size > 1,
    })
    // at size 1 virtuos is twice as fast, but size 1 is not selected
    expect(c.check([row(1, 50, 100), row(2, 99, 100)]).verdict).toBe('not supported')
    expect(c.check([row(1, 50, 100), row(2, 80, 100)]).verdict).toBe('supported')
  })
  it('nearNative holds within the tolerance both ways at every point', () => {
    const c = nearNative({text: 't', system: 'virtuos', metric: 'latency_ns', tolerance: 0.1})
    expect(c.check([row(1, 105, 100), row(2, 95, 100)]).verdict).toBe('supported')
    expect(c.check([row(1, 105, 100), row(2, 1460, 100)]).verdict).toBe('not supported')
    expect(c.check([row(1, 80, 100)]).verdict).toBe('not supported')
  })
})

describe('valueClause, versusClause and trendClause', () => {
  it('valueClause judges the value interval against a threshold', () => {
    const c = valueClause({text: 't', system: 'virtuos', metric: 'latency_ns', side: 'above', threshold: 0})
    expect(c.check([row(1, 3, 1)]).verdict).toBe('supported')
    expect(c.check([row(1, 0, 1)]).verdict).toBe('not supported')
    expect(c.check([row(1, 1, 1, 2)]).verdict).toBe('inconclusive')
  })
  it('versusClause compares two systems with the intervals at their far ends', () => {
    const c = versusClause({text: 't', system: 'virtuos', other: 'driver-domain', metric: 'latency_ns', margin: 0.05})
    const dd = (v: number, s = 0) => row(1, v, 100, s, 'driver-domain')
    expect(c.check([row(1, 50, 100), dd(100)]).verdict).toBe('supported')
    expect(c.check([row(1, 100, 100), dd(100)]).verdict).toBe('not supported')
    expect(c.check([row(1, 90, 100, 5), dd(100, 5)]).verdict).toBe('inconclusive')
    expect(c.check([row(1, 90, 100)]).verdict).toBe('untested')
    // the rows it read: the leaving out of either system is what made the last one untested
    expect(c.systems).toEqual(['virtuos', 'driver-domain'])
  })
  it('each builder names the systems its verdict reads (native with a gain over it)', () => {
    const on = {text: 't', system: 'virtuos' as const, metric: 'latency_ns'}
    expect(betterThanNative({...on, margin: 0}).systems).toEqual(['virtuos', 'native'])
    expect(nearNative({...on, tolerance: 0.1}).systems).toEqual(['virtuos', 'native'])
    expect(valueClause({...on, side: 'above', threshold: 0}).systems).toEqual(['virtuos'])
    expect(trendClause({...on, axis: 'n', direction: 'rises', margin: 0}).systems).toEqual(['virtuos'])
    expect(trendClause({...on, axis: 'n', direction: 'rises', margin: 0, of: 'gain'}).systems).toEqual([
      'virtuos',
      'native',
    ])
  })
  it('trendClause compares the largest axis value with the smallest in each group', () => {
    const c = trendClause({
      text: 't',
      system: 'virtuos',
      metric: 'latency_ns',
      axis: 'size',
      direction: 'rises',
      margin: 0.05,
      where: 'every',
    })
    expect(c.check([row(0, 100, 100), row(10, 100, 100), row(100, 200, 100)]).verdict).toBe('supported')
    // flat: 9,870 ns at every gap does not rise
    expect(c.check([row(0, 9870, 100), row(100, 9870, 100), row(1000, 9870, 100)]).verdict).toBe('not supported')
  })
  it('trendClause of the gain: the ratio to native falls along the axis', () => {
    const c = trendClause({
      text: 't',
      system: 'virtuos',
      metric: 'latency_ns',
      axis: 'size',
      direction: 'falls',
      margin: 0.05,
      of: 'gain',
    })
    // gain 1/1.1 at size 1, 1/2 at size 64: falls
    expect(c.check([row(1, 110, 100), row(64, 200, 100)]).verdict).toBe('supported')
    expect(c.check([row(1, 110, 100), row(64, 110, 100)]).verdict).toBe('not supported')
  })
})

describe('matchesTri', () => {
  it('decides a published value when the whole interval is inside or outside the band', () => {
    expect(matchesTri({mid: 1, low: 0.95, high: 1.05}, {kind: 'about', value: 1}, 0.15)).toBe(true)
    expect(matchesTri({mid: 2, low: 1.9, high: 2.1}, {kind: 'about', value: 1}, 0.15)).toBe(false)
    expect(matchesTri({mid: 1.15, low: 1.0, high: 1.3}, {kind: 'about', value: 1}, 0.15)).toBe(null)
  })
  it('decides a bound met or missed by at most the tolerance', () => {
    expect(matchesTri({mid: 12, low: 12, high: 12}, {kind: 'at-least', value: 10}, 0.15)).toBe(true)
    expect(matchesTri({mid: 5, low: 5, high: 5}, {kind: 'at-least', value: 10}, 0.15)).toBe(false)
  })
})

describe('judgeClaim', () => {
  const def = (clauses: ExperimentDef['clauses']) => ({id: 'x', clauses}) as unknown as ExperimentDef
  it('is the conjunction of the clauses, each with its verdict', () => {
    const pays = paysVsNative({text: 'pays', system: 'virtuos', metric: 'latency_ns', margin: 0.05})
    const near = nearNative({text: 'near', system: 'virtuos', metric: 'latency_ns', tolerance: 0.1})
    const v = judgeClaim(def([pays, near]), [row(1, 150, 100)])!
    expect(v.clauses.map((c) => [c.clause.text, c.verdict])).toEqual([
      ['pays', 'supported'],
      ['near', 'not supported'],
    ])
    expect(v.verdict).toBe('not supported')
    expect(judgeClaim(def(undefined), [])).toBe(null)
  })
})

describe('referenceGap', () => {
  it('gives a published value a signed error', () => {
    expect(referenceGap(1.617, {value: 1.43})).toMatchObject({meets: null, text: '+13.1%', phrase: 'error +13.1%'})
    expect(referenceGap(0.4326, {value: 0.4348, kind: 'about'}).text).toBe('-0.506%')
    expect(referenceGap(3, {value: 0}).errorPct).toBe(null)
  })
  it('says a bound that holds is met (error 0), not how far the model is from the bound', () => {
    expect(referenceGap(18.89, {value: 10, kind: 'at-least'}, 'ratio')).toEqual({
      errorPct: 0,
      meets: true,
      text: 'meets bound (>= 10x)',
      phrase: 'meets bound (>= 10x)',
    })
    expect(referenceGap(0.9, {value: 1, kind: 'at-most'}, 'ms').text).toBe('meets bound (<= 1 ms)')
    expect(referenceGap(1, {value: 1, kind: 'at-most'}).meets).toBe(true)
  })
  it('says by how much a missed bound is missed, in the direction of the miss', () => {
    const over = referenceGap(1.0587, {value: 1, kind: 'at-most'}, 'ratio')
    expect(over.meets).toBe(false)
    expect(over.errorPct).toBeCloseTo(5.87)
    expect(over.text).toBe('misses bound (<= 1x) by +5.87%')
    expect(referenceGap(8, {value: 10, kind: 'at-least'}, 'ratio').text).toBe('misses bound (>= 10x) by -20%')
  })
})
