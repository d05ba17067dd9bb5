import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ReadyQueue} from '../../../src/kernel/virtuos/ready-queue.js'
import {NIL} from '../../../src/kernel/virtuos/treiber.js'
import {interleave} from './interleave.js'

function* producer(q: ReadyQueue, base: number, n: number): Generator<void, void, void> {
  for (let k = 0; k < n; k++) {
    const okay = yield* q.enqueueSteps(base + k)
    if (!okay) throw new Error('queue full')
  }
}

function* consumer(q: ReadyQueue, tries: number, out: number[]): Generator<void, void, void> {
  for (let k = 0; k < tries; k++) {
    const v = yield* q.dequeueSteps()
    if (v !== NIL) out.push(v)
  }
}

describe('ready queue (Michael-Scott, tagged)', () => {
  it('is FIFO and reports empty', () => {
    const q = new ReadyQueue(4)
    expect(q.dequeue()).toBe(NIL)
    q.enqueue(5)
    q.enqueue(6)
    expect(q.contents()).toEqual([5, 6])
    expect(q.dequeue()).toBe(5)
    expect(q.dequeue()).toBe(6)
    expect(q.empty).toBe(true)
  })

  it('refuses more entries than it has nodes', () => {
    const q = new ReadyQueue(2)
    expect(q.enqueue(1)).toBe(true)
    expect(q.enqueue(2)).toBe(true)
    expect(q.enqueue(3)).toBe(false)
    q.dequeue()
    expect(q.enqueue(3)).toBe(true) // nodes are recycled
  })

  it('no loss, no duplication, per-producer order kept, under random interleavings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({max: 9}), {maxLength: 200}), fc.integer({min: 1, max: 3}), (schedule, consumers) => {
        const q = new ReadyQueue(16)
        const outs: number[][] = Array.from({length: consumers}, () => [])
        interleave([producer(q, 100, 5), producer(q, 200, 5), ...outs.map((o) => consumer(q, 6, o))], schedule)
        const rest: number[] = []
        for (let v = q.dequeue(); v !== NIL; v = q.dequeue()) rest.push(v)
        const all = [...outs.flat(), ...rest]
        expect([...all].sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 104, 200, 201, 202, 203, 204])
        if (consumers === 1) {
          const seq = [...outs[0], ...rest]
          for (const base of [100, 200]) {
            const mine = seq.filter((v) => v >= base && v < base + 100)
            expect(mine).toEqual([...mine].sort((a, b) => a - b))
          }
        }
        expect(q.size).toBe(0)
      }),
      {numRuns: 400, seed: 3},
    )
  })
})
