import {describe, expect, it} from 'vitest'
import {HeapQueue, Simulation} from '../../src/sim/index.js'

describe('event ordering', () => {
  it('runs by time, then priority (lower first), then scheduling order', () => {
    const sim = new Simulation({seed: 1})
    const log: string[] = []
    sim.at(10, () => log.push('t10-p0-a'))
    sim.at(5, () => log.push('t5-p1'), 1)
    sim.at(10, () => log.push('t10-p-1'), -1)
    sim.at(5, () => log.push('t5-p0'))
    sim.at(10, () => log.push('t10-p0-b'))
    sim.after(0, () => log.push('t0'))
    sim.run()
    expect(log).toEqual(['t0', 't5-p0', 't5-p1', 't10-p-1', 't10-p0-a', 't10-p0-b'])
    expect(sim.now).toBe(10)
  })

  it('events scheduled during an event at the same time run after it, FIFO', () => {
    const sim = new Simulation({seed: 1})
    const log: number[] = []
    sim.at(3, () => {
      log.push(1)
      sim.at(3, () => log.push(3))
      sim.after(0, () => log.push(4))
    })
    sim.at(3, () => log.push(2))
    sim.run()
    expect(log).toEqual([1, 2, 3, 4])
  })

  it('rejects times in the past, fractional times and out-of-range priorities', () => {
    const sim = new Simulation({seed: 1})
    sim.at(10, () => {})
    sim.run()
    expect(() => sim.at(9, () => {})).toThrow(RangeError)
    expect(() => sim.at(10.5, () => {})).toThrow(RangeError)
    expect(() => sim.at(Number.NaN, () => {})).toThrow(RangeError)
    expect(() => sim.at(11, () => {}, 1.5)).toThrow(RangeError)
    expect(() => sim.at(11, () => {}, 5000)).toThrow(RangeError)
  })

  it('the heap pops a large random set in key order', () => {
    const q = new HeapQueue<number>(4)
    let x = 7
    const keys: [number, number, number][] = []
    for (let seq = 0; seq < 5000; seq++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0
      const t = (x >>> 8) % 200
      const p = ((x >>> 4) % 5) - 2
      keys.push([t, p, seq])
      q.push(t, p, seq, seq)
    }
    keys.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
    const out: [number, number, number][] = []
    while (q.size > 0) {
      const item = q.pop()
      expect(item).toBe(q.lastSeq)
      out.push([q.lastTime, q.lastPriority, q.lastSeq])
    }
    expect(out).toEqual(keys)
    expect(q.peekTime()).toBe(Infinity)
  })
})
