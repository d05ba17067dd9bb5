import {describe, expect, it} from 'vitest'
import {Counter, Simulation, TimeWeighted} from '../../src/sim/index.js'

describe('TimeWeighted', () => {
  it('averages a level over simulated time', () => {
    const sim = new Simulation({seed: 1})
    const q = new TimeWeighted(sim)
    sim.at(10, () => q.set(4)) // 0 for 10 cycles
    sim.at(20, () => q.add(-2)) // 4 for 10 cycles
    sim.run({until: 40}) // 2 for 20 cycles
    expect(q.mean()).toBe((0 * 10 + 4 * 10 + 2 * 20) / 40)
    expect(q.level).toBe(2)
    expect(q.max).toBe(4)
    expect(q.min).toBe(0)
  })

  it('starts at its creation time and returns the level when no time passed', () => {
    const sim = new Simulation({seed: 1})
    sim.run({until: 100})
    const busy = new TimeWeighted(sim, 1)
    expect(busy.mean()).toBe(1)
    sim.at(150, () => busy.set(0))
    sim.run({until: 200})
    expect(busy.mean()).toBe(0.5)
  })
})

describe('Counter', () => {
  it('counts and resets', () => {
    const c = new Counter()
    c.inc()
    c.inc(4)
    expect(c.value).toBe(5)
    c.reset()
    expect(c.value).toBe(0)
  })
})
