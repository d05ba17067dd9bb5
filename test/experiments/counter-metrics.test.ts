/** The counter metrics every experiment emits, and the counters table behind `--counters`. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {
  COUNTER_METRICS,
  collectCounters,
  coreList,
  mpkiMetric,
  tableOf,
  type CounterEntry,
} from '../../src/experiments/counter-metrics.js'
import {listExperiments} from '../../src/experiments/registry.js'
import {syscallOverhead} from '../../src/experiments/syscall-overhead.js'
import type {PointResult} from '../../src/experiments/types.js'
import {ModeCounters} from '../../src/machine/counters.js'
import {LEVELS} from '../../src/machine/indirect.js'
import {fakeEngine} from './fixtures.js'

const misses = (n: number) => ({l1i: n, l1d: 2 * n, l2: 3 * n, l3: 4 * n, dtlb: n / 2})

describe('counter metrics', () => {
  it('every experiment with a kernel path declares the same counter columns', () => {
    const names = COUNTER_METRICS.map((m) => m.name)
    expect(names).toEqual(['u_ipc', 'k_ipc', 'l1i_mpki', 'l1d_mpki', 'l2_mpki', 'l3_mpki', 'dtlb_mpki'])
    // fault-recovery's rows are a crash scenario's time buckets: no run-wide counters
    const without = ['fault-recovery', 'fault-recovery-timeline']
    for (const def of listExperiments()) {
      const declared = def.metrics.map((m) => m.name)
      if (without.includes(def.id)) expect(declared, def.id).not.toContain('l1d_mpki')
      else expect(declared.slice(-names.length), def.id).toEqual(names)
    }
  })

  it("a point's MPKI is its counters' misses per 1,000 instructions over every mode, and its IPCs per mode", () => {
    const ctx = {seed: 1, quick: true, profile: loadProfile()}
    for (const system of ['native', 'driver-domain'] as const) {
      const r = syscallOverhead.run({syscall: 'getppid', threads: 1}, system, ctx)
      const table = r.counters ?? []
      const sum = (pick: (e: CounterEntry) => number, mode?: string) =>
        table.filter((e) => mode === undefined || e.mode === mode).reduce((n, e) => n + pick(e), 0)
      const instructions = sum((e) => e.instructions)
      expect(instructions).toBeGreaterThan(0)
      for (const l of LEVELS) {
        expect(r.metrics[mpkiMetric(l)], `${system} ${l}`).toBeCloseTo(
          (sum((e) => e.misses[l]) / instructions) * 1000,
          9,
        )
      }
      for (const [metric, mode] of [
        ['u_ipc', 'user'],
        ['k_ipc', 'kernel'],
      ]) {
        const ipc = sum((e) => e.instructions, mode) / sum((e) => e.cycles, mode)
        expect(r.metrics[metric], `${system} ${metric}`).toBeCloseTo(ipc, 9)
      }
      const xen = table.filter((e) => e.mode === 'hypervisor')
      if (system === 'native') expect(xen).toEqual([])
      else expect(xen.map((e) => e.domain)).toContain('primary')
    }
  })
})

describe('the counters table', () => {
  it("groups cores by what ran on them and sums each (domain, mode) over the group's cores", () => {
    const c = new ModeCounters()
    for (const core of [0, 1, 2]) {
      c.add(core, 'user', 'native', 1000, 800, misses(1))
      c.add(core, 'kernel', 'native', 500, 400, misses(2))
    }
    c.add(3, 'kernel', 'native', 700, 300, misses(3)) // a syscall core: kernel only
    c.add(5, 'kernel', 'native', 700, 300, misses(3))
    const t = tableOf(c)
    expect(t.map((e) => [e.mode, e.cores])).toEqual([
      ['user', '0-2'],
      ['kernel', '0-2'],
      ['kernel', '3,5'],
    ])
    expect(t[0]).toMatchObject({cycles: 3000, instructions: 2400, misses: misses(3)})
    expect(t[2]).toMatchObject({cycles: 1400, instructions: 600, misses: misses(6)})
    expect(coreList([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8')
  })

  it('averages a (domain, mode, cores) over the replicates, a group absent from one counting 0 there', () => {
    const entry = (cycles: number, cores = '0'): CounterEntry => ({
      domain: 'primary',
      mode: 'hypervisor',
      cores,
      cycles,
      instructions: cycles / 2,
      misses: misses(0),
    })
    const result = (counters: CounterEntry[]): PointResult => ({metrics: {}, engine: fakeEngine(1), counters})
    const rows = collectCounters(
      ['virtuos'],
      [{threads: 1}],
      [[[result([entry(100)])], [result([entry(300), entry(50, '1')])]]],
    )
    expect(rows.map((r) => [r.cores, r.cycles, r.instructions])).toEqual([
      ['0', 200, 100],
      ['1', 25, 12.5],
    ])
    expect(rows[0]).toMatchObject({system: 'virtuos', params: {threads: 1}, domain: 'primary', mode: 'hypervisor'})
  })
})
