import {describe, expect, it} from 'vitest'
import {Simulation} from '../../src/sim/simulation.js'
import {CRASH_STREAM, crashInstant} from '../../src/workloads/fault-scenario.js'

describe('the crash instant (stream fault-crash-time)', () => {
  const nominal = 454_000_000
  const jitter = 4_540_000

  it('the nominal time plus a jitter in [0, jitter]: never earlier, at most jitter later', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const t = crashInstant(seed, nominal, jitter)
      expect(t).toBeGreaterThanOrEqual(nominal)
      expect(t).toBeLessThanOrEqual(nominal + jitter)
    }
  })

  it('two seeds crash at different instants, one seed at the same', () => {
    expect(crashInstant(1, nominal, jitter)).not.toBe(crashInstant(2, nominal, jitter))
    expect(crashInstant(1, nominal, jitter)).toBe(crashInstant(1, nominal, jitter))
    expect(new Set([1, 2, 3, 4, 5].map((s) => crashInstant(s, nominal, jitter))).size).toBe(5)
  })

  it('is the first draw of the run simulation stream of that name, whatever other streams drew', () => {
    const sim = new Simulation({seed: 9})
    sim.rng('client-start').int(0, 100)
    sim.rng('disk-phase').int(0, 100)
    expect(crashInstant(9, nominal, jitter)).toBe(nominal + sim.rng(CRASH_STREAM).int(0, jitter))
  })

  it('no jitter: the nominal time; a bad jitter is refused', () => {
    expect(crashInstant(1, nominal, 0)).toBe(nominal)
    expect(() => crashInstant(1, nominal, -1)).toThrow(/jitter/)
  })
})
