import {describe, expect, it} from 'vitest'
import {createRng} from '../../src/sim/rng.js'
import {Simulation} from '../../src/sim/simulation.js'
import {CLIENT_START_STREAM, startOffsets} from '../../src/workloads/clients.js'
import {LAYOUT_STREAM} from '../../src/workloads/storage.js'

describe('client start offsets', () => {
  it('one offset per client, uniform in [0, spread]: two seeds differ, one seed repeats', () => {
    const a = startOffsets(createRng(1, CLIENT_START_STREAM), 64, 1_000_000)
    const b = startOffsets(createRng(2, CLIENT_START_STREAM), 64, 1_000_000)
    expect(a).toHaveLength(64)
    expect(a).not.toEqual(b)
    expect(startOffsets(createRng(1, CLIENT_START_STREAM), 64, 1_000_000)).toEqual(a)
    for (const x of [...a, ...b]) {
      expect(Number.isInteger(x)).toBe(true)
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThanOrEqual(1_000_000)
    }
    expect(new Set(a).size).toBeGreaterThan(60) // spread, not one start time
  })

  it('a spread of 0 starts every client at once; a bad spread is refused', () => {
    expect(startOffsets(createRng(1, CLIENT_START_STREAM), 3, 0)).toEqual([0, 0, 0])
    expect(() => startOffsets(createRng(1, CLIENT_START_STREAM), 3, -1)).toThrow(/spread/)
    expect(() => startOffsets(createRng(1, CLIENT_START_STREAM), 3, 0.5)).toThrow(/spread/)
  })

  it('draws from another component stream (the file layout) do not move the clients offsets', () => {
    const quiet = new Simulation({seed: 7})
    const busy = new Simulation({seed: 7})
    for (let i = 0; i < 100; i++) busy.rng(LAYOUT_STREAM).int(0, 1000)
    expect(startOffsets(busy.rng(CLIENT_START_STREAM), 8, 5000)).toEqual(
      startOffsets(quiet.rng(CLIENT_START_STREAM), 8, 5000),
    )
  })
})
