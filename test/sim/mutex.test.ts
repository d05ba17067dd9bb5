import {describe, expect, it} from 'vitest'
import {Condition, Mutex, Simulation, TIMEOUT} from '../../src/sim/index.js'

describe('Mutex', () => {
  it('serves waiters FIFO by hand-off; a late tryLock cannot barge in', () => {
    const sim = new Simulation({seed: 1})
    const m = new Mutex(sim)
    const order: string[] = []
    for (const [name, arrive] of [['a', 0], ['b', 1], ['c', 2], ['d', 3]] as const) {
      sim.spawn((function* () {
        yield arrive
        yield* m.lock()
        order.push(`${name}@${sim.now}`)
        yield 10
        m.unlock()
      })())
    }
    sim.at(10, () => {
      // a has just handed the mutex to b (priority 0 ran first); c and d still wait
      expect(m.owner).not.toBeNull()
      expect(m.queueLength).toBe(2)
      expect(m.tryLock()).toBe(false)
    }, 1)
    sim.run()
    expect(order).toEqual(['a@0', 'b@10', 'c@20', 'd@30'])
    expect(m.locked).toBe(false)
    expect(m.tryLock()).toBe(true)
    expect(() => new Mutex(sim).unlock()).toThrow(/not locked/)
  })
})

describe('Condition', () => {
  it('wait releases the mutex and retakes it before returning', () => {
    const sim = new Simulation({seed: 1})
    const m = new Mutex(sim)
    const c = new Condition(sim)
    let ready = false
    const log: string[] = []
    sim.spawn((function* () {
      yield* m.lock()
      while (!ready) yield* c.wait(m)
      log.push(`consumer holds=${m.locked}@${sim.now}`)
      const r = yield* c.wait(m, 5)
      log.push(`timeout=${r === TIMEOUT}@${sim.now}`)
      m.unlock()
    })())
    sim.spawn((function* () {
      yield 10
      yield* m.lock()
      ready = true
      c.signal()
      yield 3
      m.unlock()
    })())
    sim.run()
    expect(log).toEqual(['consumer holds=true@13', 'timeout=true@18'])
    expect(m.locked).toBe(false)
  })
})
