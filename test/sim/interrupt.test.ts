import {describe, expect, it} from 'vitest'
import {Interrupt, Mutex, Signal, Simulation, WaitQueue} from '../../src/sim/index.js'

describe('interrupts', () => {
  it('cancels a hold: the process resumes at the interrupt time with the cause', () => {
    const sim = new Simulation({seed: 1})
    let at = -1
    let cause: unknown
    const p = sim.spawn((function* () {
      try {
        yield 1000
      } catch (e) {
        at = sim.now
        cause = (e as Interrupt).cause
      }
      yield 5
    })())
    sim.at(30, () => p.interrupt('crash'))
    sim.run()
    expect(at).toBe(30)
    expect(cause).toBe('crash')
    expect(sim.now).toBe(35) // the cancelled hold at 1000 never fired
  })

  it('cancels a wait: the process leaves the queue and a later notify goes to the next waiter', () => {
    const sim = new Simulation({seed: 1})
    const q = new WaitQueue<string>(sim)
    const got: string[] = []
    const a = sim.spawn((function* () {
      try {
        yield* q.wait()
      } catch (e) {
        got.push(`a:${(e as Interrupt).cause}`)
      }
    })())
    sim.spawn((function* () {
      got.push(`b:${yield* q.wait()}`)
    })())
    sim.at(5, () => a.interrupt('x'))
    sim.at(6, () => {
      expect(q.length).toBe(1)
      q.notifyOne('v')
    })
    sim.run()
    expect(got).toEqual(['a:x', 'b:v'])
  })

  it('an uncaught Interrupt ends the process quietly; a joiner sees it', () => {
    const sim = new Simulation({seed: 1})
    const s = new Signal<number>(sim)
    const victim = sim.spawn((function* () {
      yield* s.wait()
    })())
    let seen: unknown
    sim.spawn((function* () {
      try {
        yield* victim.join()
      } catch (e) {
        seen = e
      }
    })())
    sim.at(10, () => victim.interrupt())
    sim.run()
    expect(victim.done).toBe(true)
    expect(victim.error).toBeInstanceOf(Interrupt)
    expect(seen).toBeInstanceOf(Interrupt)
  })

  it('a process already woken with a hand-off gets the interrupt at its next wait, keeping the lock', () => {
    const sim = new Simulation({seed: 1})
    const m = new Mutex(sim)
    const log: string[] = []
    sim.spawn((function* () {
      yield* m.lock()
      yield 10
      m.unlock() // hands the mutex to b, whose wake-up is now scheduled
      b.interrupt('late')
    })())
    const b = sim.spawn((function* () {
      yield 1
      yield* m.lock()
      log.push(`b owns: ${m.owner === b}`)
      try {
        yield 100
      } catch (e) {
        log.push(`b interrupted at ${sim.now}`)
      }
      m.unlock()
    })())
    sim.run()
    expect(log).toEqual(['b owns: true', 'b interrupted at 10'])
    expect(m.locked).toBe(false)
  })

  it('interrupting a finished process does nothing', () => {
    const sim = new Simulation({seed: 1})
    const p = sim.spawn((function* () {
      return 3
    })())
    sim.run()
    p.interrupt()
    sim.run()
    expect(p.result).toBe(3)
    expect(p.failed).toBe(false)
  })
})
