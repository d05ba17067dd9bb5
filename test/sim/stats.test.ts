import {describe, expect, it} from 'vitest'
import {meanCi95, quantile, studentT975} from '../../src/sim/index.js'

describe('quantile', () => {
  it('is the nearest rank: smallest value with at least q of the values <= it', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    expect(quantile(v, 0)).toBe(1)
    expect(quantile(v, 0.5)).toBe(5)
    expect(quantile(v, 0.95)).toBe(10)
    expect(quantile(v, 0.91)).toBe(10)
    expect(quantile(v, 0.9)).toBe(9)
    expect(quantile(v, 1)).toBe(10)
    expect(v[0]).toBe(5) // not sorted in place
  })

  it('is 0 without values', () => {
    expect(quantile([], 0.5)).toBe(0)
  })
})

describe('meanCi95', () => {
  it('gives one value, or values that agree, an interval of zero width', () => {
    expect(meanCi95([7])).toEqual({mean: 7, low: 7, high: 7, n: 1})
    expect(meanCi95([3, 3, 3])).toEqual({mean: 3, low: 3, high: 3, n: 3})
  })
  it('uses Student t with n - 1 degrees of freedom around the mean', () => {
    const m = meanCi95([1, 2, 3, 4, 5])
    expect(m.mean).toBe(3)
    // sd sqrt(2.5), se sqrt(0.5), t(4) = 2.776
    expect(m.high - m.mean).toBeCloseTo(2.776 * Math.sqrt(0.5), 12)
    expect(m.mean - m.low).toBeCloseTo(m.high - m.mean, 12)
  })
  it('narrows towards the normal quantile as replicates grow, and rejects nothing to summarise', () => {
    expect(studentT975(1)).toBeGreaterThan(studentT975(2))
    expect(studentT975(1000)).toBe(1.96)
    expect(() => meanCi95([])).toThrow(RangeError)
    expect(() => studentT975(0)).toThrow(RangeError)
  })
})
