import {describe, expect, it} from 'vitest'
import {hold, Simulation, type Command} from '../../src/sim/index.js'

describe('processes', () => {
  it('hold advances the clock; yielding a number is the same fast path', () => {
    const sim = new Simulation({seed: 1})
    const times: number[] = []
    sim.spawn((function* () {
      times.push(sim.now)
      yield* hold(sim, 100)
      times.push(sim.now)
      yield 50
      times.push(sim.now)
      yield 0
      times.push(sim.now)
    })())
    sim.run()
    expect(times).toEqual([0, 100, 150, 150])
  })

  it('join returns the result; nested yield* composes', () => {
    const sim = new Simulation({seed: 1})
    function* work(n: number): Generator<Command, number, unknown> {
      yield n
      return n * 2
    }
    function* parent(): Generator<Command, number, unknown> {
      const a = yield* work(10)
      const child = sim.spawn(work(25), 'child')
      const b = yield* child.join()
      return a + b + sim.now
    }
    const p = sim.spawn(parent(), 'parent')
    sim.run()
    expect(p.done).toBe(true)
    expect(p.result).toBe(20 + 50 + 35)
    expect(p.name).toBe('parent')
  })

  it('joining a finished process returns at once', () => {
    const sim = new Simulation({seed: 1})
    const child = sim.spawn((function* () {
      return 'x'
    })())
    let got = ''
    sim.spawn((function* () {
      yield 10
      got = yield* child.join()
    })())
    sim.run()
    expect(got).toBe('x')
    expect(sim.now).toBe(10)
  })

  it('an exception is rethrown to joiners; the run goes on', () => {
    const sim = new Simulation({seed: 1})
    const child = sim.spawn((function* () {
      yield 5
      throw new Error('boom')
    })())
    let caught: unknown
    sim.spawn((function* () {
      try {
        yield* child.join()
      } catch (e) {
        caught = e
      }
    })())
    sim.at(20, () => {})
    sim.run()
    expect((caught as Error).message).toBe('boom')
    expect(child.failed).toBe(true)
    expect(sim.now).toBe(20)
  })

  it('an exception nobody joins ends run() with it', () => {
    const sim = new Simulation({seed: 1})
    sim.spawn((function* () {
      yield 5
      throw new Error('unhandled')
    })())
    expect(() => sim.run()).toThrow('unhandled')
  })

  it('a process caught its own exception thrown from a nested generator', () => {
    const sim = new Simulation({seed: 1})
    function* inner(): Generator<Command, void, unknown> {
      yield 1
      throw new Error('inner')
    }
    const p = sim.spawn((function* () {
      try {
        yield* inner()
      } catch (e) {
        return (e as Error).message
      }
      return 'no'
    })())
    sim.run()
    expect(p.result).toBe('inner')
  })

  it('bad yields are thrown back into the process', () => {
    const sim = new Simulation({seed: 1})
    const errors: string[] = []
    sim.spawn((function* () {
      for (const bad of [-1, 1.5, 'x' as unknown as number]) {
        try {
          yield bad
        } catch (e) {
          errors.push((e as Error).name)
        }
      }
    })())
    sim.run()
    expect(errors).toEqual(['RangeError', 'RangeError', 'TypeError'])
  })

  it('processes start in spawn order at the current time', () => {
    const sim = new Simulation({seed: 1})
    const log: string[] = []
    for (const name of ['a', 'b', 'c']) sim.spawn((function* () {
      log.push(name)
    })(), name)
    sim.run()
    expect(log).toEqual(['a', 'b', 'c'])
  })
})
