import {describe, expect, it} from 'vitest'
import {
  after,
  cancellableAfter,
  hold,
  Simulation,
  spawn,
  TIMED_OUT,
  Wakeup,
  type ThreadBody,
} from '../../src/sim/index.js'

describe('simulated threads', () => {
  it('a held thread resumes at now + n; yield n, hold(n) and rounding agree; n <= 0 takes no event', () => {
    const sim = new Simulation({seed: 1})
    const seen: number[] = []
    spawn(
      sim,
      (function* () {
        yield 100
        seen.push(sim.now)
        yield* hold(50.4)
        seen.push(sim.now)
        yield 0
        yield -5
        yield* hold(0)
        seen.push(sim.now)
      })(),
      't',
    )
    const stats = sim.run()
    expect(seen).toEqual([100, 150, 150])
    expect(stats.events).toBe(3) // start + two holds
  })

  it('threads start in spawn order at the current time; nested yield* composes', () => {
    const sim = new Simulation({seed: 1})
    const log: string[] = []
    function* inner(tag: string): ThreadBody<number> {
      yield 10
      return tag.length
    }
    for (const name of ['a', 'bb', 'ccc']) {
      spawn(
        sim,
        (function* () {
          log.push(`start ${name}@${sim.now}`)
          const n = yield* inner(name)
          log.push(`${name}=${n}@${sim.now}`)
        })(),
        name,
      )
    }
    sim.run()
    expect(log).toEqual(['start a@0', 'start bb@0', 'start ccc@0', 'a=1@10', 'bb=2@10', 'ccc=3@10'])
  })

  it('a Wakeup fired before wait is remembered; fired later it resumes the waiter with the value', () => {
    const sim = new Simulation({seed: 1})
    const early = new Wakeup<string>(sim)
    const late = new Wakeup<string>(sim)
    early.fire('early')
    early.fire('ignored')
    const got: unknown[] = []
    spawn(
      sim,
      (function* () {
        got.push(yield* early.wait())
        got.push(yield* late.wait(), sim.now)
      })(),
      'w',
    )
    after(sim, 70, () => late.fire('late'))
    sim.run()
    expect(got).toEqual(['early', 'late', 70])
  })

  it('the waker runs to its next yield before the woken thread resumes', () => {
    const sim = new Simulation({seed: 1})
    const w = new Wakeup<number>(sim)
    const log: string[] = []
    spawn(
      sim,
      (function* () {
        log.push(`woke ${yield* w.wait()}`)
      })(),
      'waiter',
    )
    spawn(
      sim,
      (function* () {
        w.fire(1)
        log.push('waker goes on')
        yield 5
        log.push('waker later')
      })(),
      'waker',
    )
    sim.run()
    expect(log).toEqual(['waker goes on', 'woke 1', 'waker later'])
  })

  it('simultaneous wake-ups resume in the order they were made', () => {
    const sim = new Simulation({seed: 1})
    const ws = [0, 1, 2].map(() => new Wakeup<number>(sim))
    const order: number[] = []
    ws.forEach((w, i) =>
      spawn(
        sim,
        (function* () {
          order.push(Number(yield* w.wait()))
        })(),
        `w${i}`,
      ),
    )
    after(sim, 10, () => {
      ws[2].fire(2)
      ws[0].fire(0)
      ws[1].fire(1)
    })
    sim.run()
    expect(order).toEqual([2, 0, 1])
  })

  it('a timeout returns TIMED_OUT; a fire after it, or a timeout after a fire, is ignored', () => {
    const sim = new Simulation({seed: 1})
    const a = new Wakeup<string>(sim)
    const b = new Wakeup<string>(sim)
    const got: unknown[] = []
    spawn(
      sim,
      (function* () {
        got.push(yield* a.wait(30), sim.now)
        got.push(yield* b.wait(100), sim.now)
      })(),
      't',
    )
    after(sim, 40, () => a.fire('too late'))
    after(sim, 50, () => b.fire('in time'))
    sim.run()
    expect(got).toEqual([TIMED_OUT, 30, 'in time', 50])
    expect(sim.now).toBe(130) // the uncancelled timer of b still runs (and does nothing)
  })

  it('a dead thread is dropped before its next step and never resumes', () => {
    const sim = new Simulation({seed: 1})
    let crashed = false
    const steps: number[] = []
    spawn(
      sim,
      (function* () {
        for (;;) {
          steps.push(sim.now)
          yield 10
        }
      })(),
      'guest',
      () => crashed,
    )
    after(sim, 25, () => (crashed = true))
    sim.run()
    expect(steps).toEqual([0, 10, 20])
    expect(sim.pending).toBe(0)
  })

  it('an exception in a thread escapes run()', () => {
    const sim = new Simulation({seed: 1})
    spawn(
      sim,
      (function* () {
        yield 1
        throw new Error('boom')
      })(),
      'bad',
    )
    expect(() => sim.run()).toThrow('boom')
  })

  it('cancellableAfter: cancelled, the event is forgotten; not cancelled, it runs', () => {
    const sim = new Simulation({seed: 1})
    const log: number[] = []
    const cancel = cancellableAfter(sim, 100, () => log.push(sim.now))
    cancellableAfter(sim, 20.6, () => log.push(sim.now))
    after(sim, 10, cancel)
    const stats = sim.run()
    expect(log).toEqual([21])
    expect(stats.events).toBe(2)
    expect(sim.now).toBe(21)
  })
})
