import {describe, expect, it} from 'vitest'
import {paysVsNative, referenceGap} from '../../src/experiments/claims.js'
import type {ResultRow} from '../../src/experiments/types.js'

const row = (size: number, value: number, nativeValue: number): ResultRow => ({
  experiment: 'x',
  system: 'virtuos',
  params: {size},
  metric: 'latency_ns',
  value,
  unit: 'ns',
  better: 'lower',
  nativeValue,
  ratioVsNative: value / nativeValue,
  seed: 1,
  profile: 'p',
})

describe('paysVsNative', () => {
  const check = paysVsNative({system: 'virtuos', metric: 'latency_ns', margin: 0.05})
  it('holds when some point is worse than native beyond the margin, and names the worst', () => {
    const v = check([row(1, 100, 100), row(2, 150, 100)])
    expect(v.holds).toBe(true)
    expect(v.detail).toContain('at 1 of 2 points')
    expect(v.detail).toContain('size=2')
  })
  it('does not hold when every point is within the margin, and cannot tell without native rows', () => {
    expect(check([row(1, 104, 100), row(2, 90, 100)]).holds).toBe(false)
    expect(check([{...row(1, 100, 100), nativeValue: null, ratioVsNative: null}]).holds).toBe(null)
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
