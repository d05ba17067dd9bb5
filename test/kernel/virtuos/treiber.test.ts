import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {NIL, TreiberStack} from '../../../src/kernel/virtuos/treiber.js'
import {interleave} from './interleave.js'

/** An actor that takes entries and gives them back, as submitters do with the free stack. */
function* borrower(
  stack: TreiberStack,
  rounds: number,
  held: Set<number>,
  dups: number[],
): Generator<void, void, void> {
  for (let r = 0; r < rounds; r++) {
    const i = yield* stack.popSteps()
    if (i === NIL) continue
    if (held.has(i)) dups.push(i)
    held.add(i)
    yield
    held.delete(i)
    yield* stack.pushSteps(i)
  }
}

function run(stamped: boolean, entries: number, actors: number, rounds: number, schedule: number[]) {
  const stack = TreiberStack.full(entries, stamped)
  const held = new Set<number>()
  const dups: number[] = []
  interleave(
    Array.from({length: actors}, () => borrower(stack, rounds, held, dups)),
    schedule,
  )
  return {stack, dups}
}

const scheduleArb = fc.array(fc.nat({max: 7}), {minLength: 10, maxLength: 120})

describe('Treiber stack', () => {
  it('pops in LIFO order and reports empty', () => {
    const s = new TreiberStack(4)
    s.push(1)
    s.push(3)
    expect(s.pop()).toBe(3)
    expect(s.pop()).toBe(1)
    expect(s.pop()).toBe(NIL)
    expect(s.empty).toBe(true)
  })

  it('with the stamp: no entry lost or duplicated under any interleaving (property)', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.integer({min: 2, max: 4}),
        fc.integer({min: 2, max: 4}),
        (schedule, entries, actors) => {
          const {stack, dups} = run(true, entries, actors, 4, schedule)
          expect(dups).toEqual([])
          expect([...stack.contents()].sort()).toEqual(Array.from({length: entries}, (_, i) => i))
        },
      ),
      {numRuns: 600, seed: 42},
    )
  })

  it('the ABA case by hand: a stale CAS fails with the stamp and corrupts the stack without it', () => {
    for (const stamped of [true, false]) {
      const s = TreiberStack.full(3, stamped) // 0 on top, then 1, 2
      const a = s.popSteps()
      a.next() // A read head = 0
      a.next() // A read next[0] = 1
      expect(s.pop()).toBe(0) // B takes 0
      expect(s.pop()).toBe(1) // B takes 1
      s.push(0) // B gives 0 back: head is 0 again
      let r = a.next()
      while (!r.done) r = a.next()
      if (stamped) {
        expect(r.value).toBe(0) // A retried and got 0 for real
        expect(s.contents()).toEqual([2])
      } else {
        expect(r.value).toBe(0)
        expect(s.contents()).toEqual([1, 2]) // 1 is on the stack while B still holds it
      }
    }
  })

  it('without the stamp: random interleavings find the ABA duplication (property fails)', () => {
    const out = fc.check(
      fc.property(scheduleArb, (schedule) => {
        const {stack, dups} = run(false, 3, 3, 4, schedule)
        return dups.length === 0 && [...stack.contents()].sort().join() === '0,1,2'
      }),
      {numRuns: 3000, seed: 7},
    )
    expect(out.failed).toBe(true)
  })
})
