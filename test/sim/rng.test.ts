import {describe, expect, it} from 'vitest'
import {createRng, Simulation} from '../../src/sim/index.js'

const draw = (sim: Simulation, name: string, n = 8) => Array.from({length: n}, () => sim.rng(name).nextUint32())

describe('Rng streams', () => {
  it('same (seed, name) gives the same sequence; other seeds and names differ', () => {
    const a = draw(new Simulation({seed: 42}), 'disk')
    expect(draw(new Simulation({seed: 42}), 'disk')).toEqual(a)
    expect(draw(new Simulation({seed: 43}), 'disk')).not.toEqual(a)
    expect(draw(new Simulation({seed: 42}), 'nic')).not.toEqual(a)
    expect(Array.from({length: 8}, (_, i) => createRng(42, 'disk').nextUint32() + i * 0)[0]).toBe(a[0])
  })

  it('a stream is independent of other streams being created or drawn first', () => {
    const quiet = new Simulation({seed: 7})
    const expected = draw(quiet, 'sched', 20)
    const busy = new Simulation({seed: 7})
    draw(busy, 'other', 100)
    busy.rng('another').float()
    expect(draw(busy, 'sched', 20)).toEqual(expected)
  })

  it('sim.rng(name) returns one stream per name (draws continue)', () => {
    const sim = new Simulation({seed: 1})
    expect(sim.rng('x')).toBe(sim.rng('x'))
    const fresh = createRng(1, 'x')
    const first = fresh.nextUint32()
    expect(sim.rng('x').nextUint32()).toBe(first)
    expect(sim.rng('x').nextUint32()).not.toBe(first)
  })

  it('distributions are roughly right (fixed seed)', () => {
    const r = createRng(2024, 'dist')
    const n = 20_000
    let fsum = 0
    let esum = 0
    const counts = new Array(6).fill(0)
    for (let i = 0; i < n; i++) {
      const f = r.float()
      expect(f >= 0 && f < 1).toBe(true)
      fsum += f
      esum += r.exponential(100)
      const k = r.int(1, 6)
      counts[k - 1]++
    }
    expect(fsum / n).toBeCloseTo(0.5, 1)
    expect(Math.abs(esum / n - 100)).toBeLessThan(4)
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan((n / 6) * 0.06)
    const u = r.nextUint32()
    expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true)
  })

  it('pick and shuffle use every element; int rejects bad bounds', () => {
    const r = createRng(5, 'misc')
    const arr = [1, 2, 3, 4, 5, 6, 7, 8]
    const shuffled = r.shuffle([...arr])
    expect([...shuffled].sort((a, b) => a - b)).toEqual(arr)
    expect(shuffled).not.toEqual(arr)
    const seen = new Set<number>()
    for (let i = 0; i < 200; i++) seen.add(r.pick(arr))
    expect(seen.size).toBe(8)
    expect(() => r.int(3, 2)).toThrow(RangeError)
    expect(() => r.pick([])).toThrow(RangeError)
  })
})
