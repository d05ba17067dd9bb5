import {describe, expect, it} from 'vitest'
import {Semaphore, Simulation} from '../../src/sim/index.js'

describe('Semaphore', () => {
  it('admits up to its count and queues the rest FIFO', () => {
    const sim = new Simulation({seed: 1})
    const s = new Semaphore(sim, 2)
    const start: string[] = []
    for (const name of ['a', 'b', 'c', 'd']) sim.spawn((function* () {
      yield* s.acquire()
      start.push(`${name}@${sim.now}`)
      yield 10
      s.release()
    })())
    sim.run()
    expect(start).toEqual(['a@0', 'b@0', 'c@10', 'd@10'])
    expect(s.available).toBe(2)
  })

  it('a large request at the head blocks smaller ones until it is served (strict FIFO)', () => {
    const sim = new Simulation({seed: 1})
    const s = new Semaphore(sim, 1)
    const log: string[] = []
    sim.spawn((function* () {
      yield* s.acquire(3)
      log.push(`big@${sim.now}`)
      s.release(3)
    })())
    sim.spawn((function* () {
      yield 1
      yield* s.acquire(1)
      log.push(`small@${sim.now}`)
    })())
    sim.at(5, () => s.release(2))
    sim.run()
    expect(log).toEqual(['big@5', 'small@5'])
    expect(() => s.release(0)).toThrow(RangeError)
  })

  it('an interrupted head leaves and the waiters behind it are served', () => {
    const sim = new Simulation({seed: 1})
    const s = new Semaphore(sim, 1)
    const log: string[] = []
    const big = sim.spawn((function* () {
      try {
        yield* s.acquire(5)
      } catch {
        log.push('big gave up')
      }
    })())
    sim.spawn((function* () {
      yield 1
      yield* s.acquire(1)
      log.push(`small@${sim.now}`)
    })())
    sim.at(4, () => big.interrupt())
    sim.run()
    expect(log).toEqual(['big gave up', 'small@4'])
    expect(s.available).toBe(0)
  })
})
