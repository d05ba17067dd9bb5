import {describe, expect, it} from 'vitest'
import {anyOf, Signal, Simulation, TIMEOUT, timeoutSignal} from '../../src/sim/index.js'

describe('Signal', () => {
  it('wakes every waiter with the value, in wait order, at the firing time', () => {
    const sim = new Simulation({seed: 1})
    const s = new Signal<string>(sim)
    const got: string[] = []
    for (const n of ['a', 'b']) sim.spawn((function* () {
      const v = yield* s.wait()
      got.push(`${n}:${v}@${sim.now}`)
    })())
    sim.at(7, () => {
      expect(s.fire('go')).toBe(true)
      expect(s.fire('again')).toBe(false)
    })
    sim.run()
    expect(got).toEqual(['a:go@7', 'b:go@7'])
    expect(s.value).toBe('go')
  })

  it('waiting on a fired signal returns at once', () => {
    const sim = new Simulation({seed: 1})
    const s = new Signal<number>(sim)
    s.fire(4)
    let got = 0
    sim.spawn((function* () {
      yield 3
      got = yield* s.wait()
    })())
    sim.run()
    expect(got).toBe(4)
    expect(sim.now).toBe(3)
  })

  it('wait with a timeout returns TIMEOUT when nothing fires', () => {
    const sim = new Simulation({seed: 1})
    const s = new Signal<number>(sim)
    const got: unknown[] = []
    sim.spawn((function* () {
      got.push(yield* s.wait(50), sim.now)
      got.push(yield* s.wait(50), sim.now)
    })())
    sim.at(80, () => s.fire(9))
    sim.run()
    expect(got).toEqual([TIMEOUT, 50, 9, 80])
  })
})

describe('anyOf', () => {
  it('returns the index of the first signal to fire', () => {
    const sim = new Simulation({seed: 1})
    const sigs = [new Signal<void>(sim), new Signal<void>(sim), new Signal<void>(sim)]
    let idx = -1
    sim.spawn((function* () {
      idx = yield* anyOf(sim, sigs)
    })())
    sim.at(20, () => sigs[2].fire())
    sim.at(30, () => sigs[0].fire())
    sim.run()
    expect(idx).toBe(2)
    expect(sim.now).toBe(30)
  })

  it('returns the lowest fired index at once, or TIMEOUT', () => {
    const sim = new Simulation({seed: 1})
    const a = new Signal<void>(sim)
    const b = new Signal<void>(sim)
    b.fire()
    const got: unknown[] = []
    sim.spawn((function* () {
      got.push(yield* anyOf(sim, [a, b]))
      got.push(yield* anyOf(sim, [a], 15), sim.now)
      got.push(yield* anyOf(sim, [a, timeoutSignal(sim, 5)]), sim.now)
    })())
    sim.run()
    expect(got).toEqual([1, TIMEOUT, 15, 1, 20])
  })
})
