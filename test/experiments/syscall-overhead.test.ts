import {describe, expect, it} from 'vitest'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'
import {syscallOverhead, syscallOverheadWorkload} from '../../src/experiments/syscall-overhead.js'
import {loadProfile} from '../../src/config/index.js'
import type {ExperimentDef, Point, SystemId} from '../../src/experiments/types.js'
import {pvTrapEntry, pvTrapExit, trapEntry, trapExit} from '../../src/machine/cost.js'

const profile = loadProfile()
/** One quick point on the default profile. */
const metricsAt = (def: ExperimentDef, point: Point, system: SystemId, seed = 1) =>
  def.run(point, system, {seed, quick: true, profile}).metrics

describe('syscall-overhead', () => {
  it('declares the issue 6 axes and metrics, and its workload file loads', () => {
    expect(syscallOverhead.axes.map((a) => a.name)).toEqual(['syscall', 'threads'])
    expect(syscallOverhead.axes[1].full).toEqual([1, 2, 4, 8, 16, 64])
    expect(syscallOverhead.metrics.map((m) => [m.name, m.better])).toEqual([
      ['latency_ns', 'lower'],
      ['calls_per_s', 'higher'],
      ['u_ipc', 'higher'],
      ['k_ipc', 'higher'],
      ['l1i_mpki', 'lower'],
      ['l1d_mpki', 'lower'],
      ['l2_mpki', 'lower'],
      ['l3_mpki', 'lower'],
      ['dtlb_mpki', 'lower'],
    ])
    expect(syscallOverheadWorkload().loopInstructions.value).toBeGreaterThanOrEqual(0)
  })

  it('a remote null-like call costs virtuos more than native; a local getppid pays only the PV trap', () => {
    const native = metricsAt(syscallOverhead, {syscall: 'fstat', threads: 1}, 'native')
    const virtuos = metricsAt(syscallOverhead, {syscall: 'fstat', threads: 1}, 'virtuos')
    expect(virtuos.latency_ns).toBeGreaterThan(native.latency_ns)
    expect(virtuos.calls_per_s).toBeLessThan(native.calls_per_s)
    const nLocal = metricsAt(syscallOverhead, {syscall: 'getppid', threads: 1}, 'native')
    const vLocal = metricsAt(syscallOverhead, {syscall: 'getppid', threads: 1}, 'virtuos')
    // The primary domain is a 64-bit PV guest (dom0): its traps bounce through Xen with a page-table
    // switch each way (pvTrapEntry/pvTrapExit); the library's routing adds a little; no service domain.
    const p = profile.params
    const pvExtraNs = ((pvTrapEntry(p) + pvTrapExit(p) - trapEntry(p) - trapExit(p)) * 1e9) / p.clockHz
    expect(vLocal.latency_ns - nLocal.latency_ns).toBeGreaterThanOrEqual(pvExtraNs - 1)
    expect(vLocal.latency_ns - nLocal.latency_ns).toBeLessThan(pvExtraNs + 500)
  })

  it('one thread: rate x latency ~ 1 (it is always in a call, bar the loop)', () => {
    for (const system of ['native', 'virtuos'] as const) {
      const m = metricsAt(syscallOverhead, {syscall: 'read_socket', threads: 1}, system)
      const busy = (m.calls_per_s * m.latency_ns) / 1e9
      expect(busy).toBeGreaterThan(0.9)
      // a quick-mode window counts a few dozen calls: one call more or less moves this by ~2%
      expect(busy).toBeLessThanOrEqual(1.03)
    }
  })

  it('more threads raise the native rate with the cores; the storage domain caps virtuos', () => {
    const n1 = metricsAt(syscallOverhead, {syscall: 'write_file', threads: 1}, 'native')
    const n4 = metricsAt(syscallOverhead, {syscall: 'write_file', threads: 4}, 'native')
    const v4 = metricsAt(syscallOverhead, {syscall: 'write_file', threads: 4}, 'virtuos')
    expect(n4.calls_per_s / n1.calls_per_s).toBeGreaterThan(3.5)
    expect(v4.calls_per_s).toBeLessThan(n4.calls_per_s)
  })

  it('is deterministic: the same seed gives identical metrics', () => {
    const a = metricsAt(syscallOverhead, {syscall: 'getsockopt', threads: 4}, 'virtuos', 7)
    const b = metricsAt(syscallOverhead, {syscall: 'getsockopt', threads: 4}, 'virtuos', 7)
    expect(a).toEqual(b)
  })

  it('flexsc runs its remote null-like call: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    expectRunsThroughFlexsc(syscallOverhead, {syscall: 'fstat', threads: 4}, profile, 10)
    const n = metricsAt(syscallOverhead, {syscall: 'fstat', threads: 1}, 'native').latency_ns
    const f = metricsAt(syscallOverhead, {syscall: 'fstat', threads: 1}, 'flexsc').latency_ns
    expect(f).toBeGreaterThan(n)
    expect(f).toBeLessThan(n * 1.5)
  })

  it('a saturated storage domain starves old entries of its LIFO stack: latency still agrees with the rate (Little)', () => {
    const r = syscallOverhead.run({syscall: 'write_file', threads: 16}, 'virtuos', {seed: 1, quick: true, profile})
    // 16 threads always in a call: mean latency ~ 16 / rate. Counting only calls that return in the
    // window would give ~2 service times (the few threads the stack keeps serving).
    const little = (16 / r.metrics.calls_per_s) * 1e9
    expect(r.metrics.latency_ns).toBeGreaterThan(0.8 * little)
    expect(r.metrics.latency_ns).toBeLessThan(1.25 * little)
    expect(r.notes?.some((n) => /calls waited through the whole window/.test(n))).toBe(true)
  })
})
