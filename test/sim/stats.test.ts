import {describe, expect, it} from 'vitest'
import {quantile} from '../../src/sim/index.js'

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
