import {describe, expect, it} from 'vitest'
import {createRng, Histogram} from '../../src/sim/index.js'

describe('Histogram', () => {
  it('exact nearest-rank percentiles on small known data', () => {
    const h = new Histogram()
    for (const v of [15, 20, 35, 40, 50]) h.record(v)
    expect(h.isExact).toBe(true)
    expect(h.percentile(0)).toBe(15)
    expect(h.percentile(5)).toBe(15)
    expect(h.percentile(30)).toBe(20)
    expect(h.percentile(40)).toBe(20)
    expect(h.p50).toBe(35)
    expect(h.percentile(100)).toBe(50)
    expect(h.count).toBe(5)
    expect(h.mean).toBe(32)
    expect(h.min).toBe(15)
    expect(h.max).toBe(50)
  })

  it('1..100: p50 = 50, p95 = 95, p99 = 99 regardless of insertion order', () => {
    const h = new Histogram()
    const vals = Array.from({length: 100}, (_, i) => i + 1)
    createRng(1, 'order').shuffle(vals)
    for (const v of vals) h.record(v)
    expect([h.p50, h.p95, h.p99]).toEqual([50, 95, 99])
  })

  it('empty gives NaN; bad input throws', () => {
    const h = new Histogram()
    expect(h.p50).toBeNaN()
    expect(h.mean).toBeNaN()
    expect(() => h.record(Number.NaN)).toThrow(RangeError)
    expect(() => h.percentile(101)).toThrow(RangeError)
  })

  it('large data: bucketed, within 1% of the exact percentile; count/mean/min/max exact', () => {
    const r = createRng(9, 'lat')
    const h = new Histogram()
    const vals: number[] = []
    for (let i = 0; i < 50_000; i++) {
      const v = i % 10 === 0 ? 0 : Math.round(r.exponential(20_000)) + 1
      vals.push(v)
      h.record(v)
    }
    expect(h.isExact).toBe(false)
    vals.sort((a, b) => a - b)
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9]) {
      const exact = vals[Math.max(1, Math.ceil((p / 100) * vals.length)) - 1]
      const got = h.percentile(p)
      if (exact === 0) expect(got).toBe(0)
      else expect(Math.abs(got - exact) / exact).toBeLessThan(0.01)
    }
    expect(h.count).toBe(50_000)
    expect(h.min).toBe(0)
    expect(h.max).toBe(vals[vals.length - 1])
    expect(h.mean).toBeCloseTo(vals.reduce((a, b) => a + b, 0) / vals.length, 6)
    expect(h.percentile(100)).toBeLessThanOrEqual(h.max)
  })

  it('negative values keep their order when bucketed', () => {
    const h = new Histogram()
    for (let i = -3000; i < 3000; i++) h.record(i)
    expect(Math.abs(h.percentile(10) - -2400) / 2400).toBeLessThan(0.01)
    expect(Math.abs(h.percentile(90) - 2399) / 2399).toBeLessThan(0.01)
    expect(h.percentile(0)).toBe(-3000)
  })
})
