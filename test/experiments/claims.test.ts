import {describe, expect, it} from 'vitest'
import {paysVsNative} from '../../src/experiments/claims.js'
import type {ResultRow} from '../../src/experiments/types.js'

const row = (size: number, value: number, nativeValue: number): ResultRow => ({
  experiment: 'x', system: 'virtuos', params: {size}, metric: 'latency_ns', value, unit: 'ns', better: 'lower',
  nativeValue, ratioVsNative: value / nativeValue, seed: 1, profile: 'p',
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
