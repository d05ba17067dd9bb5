import {describe, expect, it} from 'vitest'
import {Simulation, spawn} from '../../src/sim/index.js'

describe('EngineStats', () => {
  it('reports events, simulated cycles, host time and rates', () => {
    const sim = new Simulation({seed: 1, cyclesPerSecond: 1_000_000})
    const tick = () => {
      if (sim.now < 500_000) sim.after(100, tick)
    }
    sim.at(0, tick)
    const s = sim.run()
    expect(s.events).toBe(5001)
    expect(s.simulatedCycles).toBe(500_000)
    expect(s.hostSeconds).toBeGreaterThan(0)
    expect(s.eventsPerSecond).toBeCloseTo(s.events / s.hostSeconds, 6)
    expect(s.simulatedSecondsPerHostSecond).toBeCloseTo(0.5 / s.hostSeconds, 6)
    expect(sim.stats()).toEqual(s)
  })

  it('is cumulative over runs; simulatedSecondsPerHostSecond is null without a clock', () => {
    const sim = new Simulation({seed: 1})
    expect(sim.stats()).toEqual({
      events: 0,
      simulatedCycles: 0,
      hostSeconds: 0,
      eventsPerSecond: 0,
      simulatedSecondsPerHostSecond: null,
    })
    sim.at(5, () => {})
    sim.run()
    sim.at(9, () => {})
    const s = sim.run()
    expect(s.events).toBe(2)
    expect(s.simulatedCycles).toBe(9)
    expect(s.simulatedSecondsPerHostSecond).toBeNull()
  })

  it('trace sees every event with its key and label', () => {
    const seen: string[] = []
    const sim = new Simulation({seed: 1, trace: (t, p, s, label) => seen.push(`${t}/${p}/${s}/${label}`)})
    sim.at(3, () => {}, 2, 'timer')
    spawn(
      sim,
      (function* () {
        yield 1
      })(),
      'worker',
    )
    const dropped = sim.at(4, () => {}, 0, 'dropped')
    sim.cancel(dropped)
    sim.run()
    expect(seen).toEqual(['0/0/1/worker', '1/0/3/worker', '3/2/0/timer'])
  })
})
