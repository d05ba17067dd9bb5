import {describe, expect, it} from 'vitest'
import {Simulation, TIMEOUT, WaitQueue} from '../../src/sim/index.js'

describe('WaitQueue', () => {
  it('notifyOne wakes the longest waiter; notifyAll the rest; a notify with no waiter is lost', () => {
    const sim = new Simulation({seed: 1})
    const q = new WaitQueue<number>(sim)
    const got: string[] = []
    expect(q.notifyOne(0)).toBe(false)
    for (const n of ['a', 'b', 'c']) sim.spawn((function* () {
      got.push(`${n}${yield* q.wait()}`)
    })())
    sim.at(5, () => {
      expect(q.length).toBe(3)
      expect(q.notifyOne(1)).toBe(true)
      expect(q.notifyAll(2)).toBe(2)
    })
    sim.run()
    expect(got).toEqual(['a1', 'b2', 'c2'])
  })

  it('wait(timeout) returns TIMEOUT after the timeout and leaves the queue', () => {
    const sim = new Simulation({seed: 1})
    const q = new WaitQueue<string>(sim)
    const got: unknown[] = []
    sim.spawn((function* () {
      got.push(yield* q.wait(100), sim.now, q.length)
      got.push(yield* q.wait(100), sim.now)
    })())
    sim.at(150, () => q.notifyOne('hi'))
    sim.run()
    expect(got).toEqual([TIMEOUT, 100, 0, 'hi', 150])
    expect(sim.pending).toBe(0)
  })

  it('a notify beats a timeout at the same instant when it runs first', () => {
    const sim = new Simulation({seed: 1})
    const q = new WaitQueue<string>(sim)
    let got: unknown
    sim.at(10, () => q.notifyOne('first'), -1)
    sim.spawn((function* () {
      got = yield* q.wait(10)
    })())
    sim.run()
    expect(got).toBe('first')
  })
})
