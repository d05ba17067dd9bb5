import {describe, expect, it} from 'vitest'
import {Simulation} from '../../src/sim/index.js'

describe('run limits', () => {
  it('until: runs events at or before it, leaves later ones, and sets the clock to it', () => {
    const sim = new Simulation({seed: 1})
    const log: number[] = []
    for (const t of [5, 10, 15]) sim.at(t, () => log.push(t))
    sim.run({until: 10})
    expect(log).toEqual([5, 10])
    expect(sim.now).toBe(10)
    sim.run({until: 12})
    expect(sim.now).toBe(12)
    expect(sim.pending).toBe(1)
    sim.run()
    expect(log).toEqual([5, 10, 15])
  })

  it('until past the last event still moves the clock to until', () => {
    const sim = new Simulation({seed: 1})
    sim.at(3, () => {})
    sim.run({until: 100})
    expect(sim.now).toBe(100)
    expect(() => sim.run({until: 50})).toThrow(RangeError)
  })

  it('maxEvents and stop() end the run early without moving the clock further', () => {
    const sim = new Simulation({seed: 1})
    const log: number[] = []
    for (let t = 1; t <= 10; t++)
      sim.at(t, () => {
        log.push(t)
        if (t === 7) sim.stop()
      })
    sim.run({maxEvents: 3, until: 100})
    expect(log).toEqual([1, 2, 3])
    expect(sim.now).toBe(3)
    sim.run()
    expect(log).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(sim.now).toBe(7)
    sim.run()
    expect(log.length).toBe(10)
  })

  it('run is not re-entrant', () => {
    const sim = new Simulation({seed: 1})
    sim.at(1, () => sim.run())
    expect(() => sim.run()).toThrow(/already running/)
  })
})
