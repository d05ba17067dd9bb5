/**
 * Where the cycles go (ledger.ts): a Bill splits one stretch's cycles by activity without changing
 * them, and for every design a small run's ledger adds up to cores x elapsed exactly, with the
 * activities each design's mechanism implies.
 */
import {describe, expect, it} from 'vitest'
import {ACTIVITIES, Act, Bill, byDomain, emptyTally, ledgerOf, type ActivityName} from '../../src/kernel/ledger.js'
import {SYSTEM_IDS} from '../../src/experiments/types.js'
import {buildBench, runBench} from '../../src/workloads/common.js'
import {e5520Params} from '../machine/fixture.js'

describe('Bill', () => {
  it('rounds its total as the summed expression it replaces, and its parts add up to it', () => {
    const b = new Bill().add(Act.trap, 10.4).add(Act.grant, 20.4).add(Act.eventChannel, 0.4)
    expect(b.total).toBe(Math.round(10.4 + 20.4 + 0.4))
    const tally = emptyTally()
    b.take(b.total, tally, null)
    expect(tally[Act.trap] + tally[Act.grant] + tally[Act.eventChannel]).toBe(b.total)
    expect([tally[Act.trap], tally[Act.grant]]).toEqual([10, 21])
  })
  it('splits a stretch taken in chunks (timeslices) at its parts, telling each piece', () => {
    const b = new Bill().add(Act.user, 100).add(Act.refill, 50)
    const tally = emptyTally()
    const pieces: [string, number, number][] = []
    for (const chunk of [70, 70, 10]) b.take(chunk, tally, (a, c, off) => pieces.push([ACTIVITIES[a], c, off]))
    expect(pieces).toEqual([
      ['user', 70, 0],
      ['user', 30, 0],
      ['refill', 40, 30],
      ['refill', 10, 0],
    ])
    expect(() => b.take(1, tally, null)).toThrow(/past its total/)
  })
  it('exact() keeps the total the site computed, the last part absorbing the rounding', () => {
    const b = new Bill().add(Act.queue, 3.3).add(Act.eventChannel, 3.3).exact(7, Act.kernel)
    const tally = emptyTally()
    b.take(b.total, tally, null)
    expect(b.total).toBe(7)
    expect([tally[Act.queue], tally[Act.eventChannel]]).toEqual([3, 4])
    expect(new Bill().exact(5, Act.kernel).total).toBe(5)
  })
})

/** A small run of `system`: a cold 16 KiB read from /storage, a few null calls and some user compute. */
function smallRun(system: string) {
  const bench = buildBench(1, e5520Params(), system)
  for (const k of bench.system.kernels) if (k.ownsDisk) k.vfs.preload('/storage/f', 64 * 1024)
  let done = false
  bench.system.spawnProcess(function* (sys) {
    const fd = (yield* sys.open('/storage/f', 0)).ret
    yield* sys.read(fd, 16 * 1024)
    for (let i = 0; i < 5; i++) {
      yield* sys.compute(20_000)
      yield* sys.getppid()
    }
    done = true
  })
  runBench(bench, () => done)
  return bench
}

describe('the ledger of a run', () => {
  for (const system of SYSTEM_IDS) {
    it(`${system}: adds up to cores x elapsed on every core, exactly, and counts the busy cycles`, () => {
      const bench = smallRun(system)
      const elapsed = bench.sim.now
      const entries = ledgerOf(bench.system.kernels, elapsed)
      for (const k of bench.system.kernels) {
        for (const core of k.sched.cpus) {
          const mine = entries.filter((e) => e.domain === String(k.domain) && e.core === core)
          expect(mine.reduce((s, e) => s + e.cycles, 0)).toBe(elapsed)
          expect(mine.every((e) => Number.isInteger(e.cycles) && e.cycles > 0)).toBe(true)
          const idle = mine.find((e) => e.activity === 'idle')?.cycles ?? 0
          expect(elapsed - idle).toBe(k.sched.busyCycles(core) + k.sched.heldCycles(core))
        }
      }
      const cores = bench.system.kernels.reduce((n, k) => n + k.sched.cpus.length, 0)
      const totals = byDomain(entries)
      expect(totals.reduce((s, t) => s + t.cycles, 0)).toBe(cores * elapsed)
      const has = (a: ActivityName) => totals.some((t) => t.activity === a && t.cycles > 0)
      for (const a of ['user', 'handler-warm', 'interrupt', 'idle'] as const) expect(has(a), a).toBe(true)
      // each design's own mechanism shows
      if (system === 'native') expect(['queue', 'polling', 'grant', 'library'].some(has)).toBe(false)
      if (system === 'virtuos')
        for (const a of ['queue', 'polling', 'spinning', 'grant', 'library'] as const) expect(has(a), a).toBe(true)
      if (system === 'flexsc') for (const a of ['library', 'switch'] as const) expect(has(a), a).toBe(true)
      if (system === 'driver-domain')
        for (const a of ['grant', 'event-channel', 'queue', 'trap'] as const) expect(has(a), a).toBe(true)
    })
  }

  it('refuses busy time past the end instead of hiding it in a negative idle', () => {
    const bench = smallRun('native')
    expect(() => ledgerOf(bench.system.kernels, 1)).toThrow(/busy \d+ cycles in 1/)
  })
})
