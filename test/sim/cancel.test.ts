import {describe, expect, it} from 'vitest'
import {Simulation} from '../../src/sim/index.js'

describe('cancel', () => {
  it('a cancelled event does not run and is not counted', () => {
    const sim = new Simulation({seed: 1})
    const log: string[] = []
    const a = sim.at(5, () => log.push('a'))
    sim.at(5, () => log.push('b'))
    sim.at(2, () => sim.cancel(a))
    const stats = sim.run()
    expect(log).toEqual(['b'])
    expect(stats.events).toBe(2)
  })

  it('cancelling an event that already ran, or twice, is harmless', () => {
    const sim = new Simulation({seed: 1})
    let n = 0
    const a = sim.at(1, () => n++)
    sim.run()
    sim.cancel(a)
    sim.cancel(a)
    sim.cancel(12345)
    sim.at(2, () => n++)
    sim.run()
    expect(n).toBe(2)
  })

  it('many cancellations of past events do not break later ones', () => {
    const sim = new Simulation({seed: 1})
    let ran = 0
    const ids: number[] = []
    for (let i = 0; i < 3000; i++) ids.push(sim.at(i, () => ran++))
    sim.run()
    const keep = sim.at(5000, () => ran++)
    const drop = sim.at(5000, () => (ran += 100))
    for (const id of ids) sim.cancel(id)
    sim.cancel(drop)
    sim.run()
    expect(ran).toBe(3001)
    expect(keep).toBeGreaterThan(0)
  })
})
