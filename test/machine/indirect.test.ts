/**
 * The indirect cost of a trap against FlexSC's published degradation points (paper/flexsc.md),
 * on FlexSC's own machine (Core i7 fixture). Xalan-like: undisturbed IPC 1.46; SPEC-JBB-like: 0.97.
 * Both use the default working set (L1i, L1d, d-TLB full of live user state; half of L2/L3 live:
 * the L2/L3 part must leave room for a pwrite's 985/3,160 lines or a single pwrite would cost far
 * more than the 14,000-cycle recovery allows). No per-workload refill data is published, so both
 * share the refill interval derived from the Xalan recovery figure.
 *
 * Results (total loss = direct + indirect, per period of N user instructions + one pwrite):
 *   N       Xalan   JBB
 *   1000    64.6%   54.8%
 *   2000    58.4%   48.2%
 *   2445    56.3%   46.1%   (BIND)
 *   3368    52.5%   42.3%   (Apache)
 *   12435   31.4%   23.3%   (MySQL)
 *   100000   5.7%    3.8%
 * Not reached: (1) JBB at 1,000 is 55% vs "up to 45%" (+22%): the model charges every refetch its
 * full latency, while a low-IPC workload overlaps part of it with its own memory stalls; only at
 * 1,500-2,000 is JBB within 15%. (2) "Direct cost dominates below ~2,000 instructions": with the
 * direct cost = the measured 150-cycle mode switch, direct equals indirect near N = 100; for the
 * crossing to sit at 2,000 with a 65% total loss, the direct cost would have to be ~600+ cycles.
 */
import {describe, expect, test} from 'vitest'
import {
  cleanCacheState,
  defaultWorkingSet,
  isolatedPenalty,
  pollute,
  totalDisplaced,
  userBurst,
} from '../../src/machine/indirect.js'
import {flexscI7Params} from './fixture.js'
import {recoveryCycles, syscallLoop} from './indirect-loop.js'

const params = flexscI7Params()
const xalan = defaultWorkingSet(params, 1.46)
const jbb = {...xalan, ipc: 0.97}
const within = (value: number, target: number, tol = 0.15) => Math.abs(value - target) / target <= tol

describe('indirect cost mechanism', () => {
  test('a pwrite displaces L1 and d-TLB state, and nothing where the dead part absorbs it', () => {
    const s = pollute(params, cleanCacheState(), params.syscalls.footprints.pwrite, xalan)
    expect(s.displaced.l1d).toBe(373)
    expect(s.displaced.l1i).toBe(50)
    expect(s.displaced.dtlb).toBe(44)
    expect(s.displaced.l2).toBe(0)
    expect(s.displaced.l3).toBe(0)
    // 50 x 7 + 373 x 7 + 44 x 23 cycles of refill stalls
    expect(isolatedPenalty(params, params.syscalls.footprints.pwrite, xalan)).toBe(50 * 7 + 373 * 7 + 44 * 23)
  })

  test('a full live set at a level turns the whole footprint into displaced lines', () => {
    const ws = {...xalan, lines: {...xalan.lines, l2: 8192}}
    const s = pollute(params, cleanCacheState(), params.syscalls.footprints.pwrite, ws)
    expect(s.displaced.l2).toBe(985)
  })

  test('footprints accumulate but saturate at the live set', () => {
    let s = cleanCacheState()
    for (let i = 0; i < 50; i++) s = pollute(params, s, params.syscalls.footprints.pwrite, xalan)
    expect(s.displaced.l1d).toBeGreaterThan(373)
    expect(s.displaced.l1d).toBeLessThanOrEqual(512)
  })

  test('running user code refills the displaced state and pays for it; long runs pay the whole penalty', () => {
    const fp = params.syscalls.footprints.pwrite
    const s = pollute(params, cleanCacheState(), fp, xalan)
    const b = userBurst(params, s, 1_000_000, xalan)
    expect(totalDisplaced(b.state)).toBeLessThan(1e-6)
    expect(Math.abs(b.extra - isolatedPenalty(params, fp, xalan))).toBeLessThanOrEqual(1)
  })

  test('integer charging keeps the fractional remainder (many small bursts = one big burst)', () => {
    const fp = params.syscalls.footprints.pwrite
    let s = pollute(params, cleanCacheState(), fp, xalan)
    let small = 0
    for (let i = 0; i < 1000; i++) {
      const b = userBurst(params, s, 10, xalan)
      small += b.extra
      s = b.state
    }
    const big = userBurst(params, pollute(params, cleanCacheState(), fp, xalan), 10_000, xalan).extra
    expect(Math.abs(small - big)).toBeLessThanOrEqual(1)
  })
})

describe('FlexSC degradation points (within 15%)', () => {
  test('user IPC recovers ~14,000 cycles after a pwrite', () => {
    expect(within(recoveryCycles(params, xalan), 14_000)).toBe(true)
  })

  test('Xalan-like loses up to ~65% with a pwrite every 1,000-2,000 instructions', () => {
    const worst = Math.max(...[1000, 1500, 2000].map((n) => syscallLoop(params, xalan, n).totalLoss))
    expect(within(worst, 0.65)).toBe(true)
  })

  test('SPEC-JBB-like is near 45% at 1,500-2,000 instructions (and over it at 1,000: a known gap)', () => {
    expect(within(syscallLoop(params, jbb, 2000).totalLoss, 0.45)).toBe(true)
    expect(within(syscallLoop(params, jbb, 1500).totalLoss, 0.45)).toBe(true)
    // Known deviation, see the header: the model does not overlap refills with the workload's own stalls.
    expect(syscallLoop(params, jbb, 1000).totalLoss).toBeGreaterThan(0.45 * 1.15)
  })

  test('the loss is 20-60% where servers run (BIND 2,445, Apache 3,368, MySQL 12,435)', () => {
    for (const ws of [xalan, jbb]) {
      for (const n of [2445, 3368, 12435]) {
        const loss = syscallLoop(params, ws, n).totalLoss
        expect(loss).toBeGreaterThanOrEqual(0.2 * 0.85)
        expect(loss).toBeLessThanOrEqual(0.6 * 1.15)
      }
    }
  })

  test('the loss falls as calls get rarer', () => {
    const ns = [500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]
    const losses = ns.map((n) => syscallLoop(params, xalan, n).totalLoss)
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1])
    expect(losses.at(-1)).toBeLessThan(0.1)
  })

  test('indirect cost dominates from 2,000 to 100,000 instructions; direct only below ~100 (not ~2,000)', () => {
    for (const n of [2000, 5000, 10000, 20000, 50000, 100000]) {
      const r = syscallLoop(params, xalan, n)
      expect(r.indirect).toBeGreaterThan(r.direct)
    }
    const r = syscallLoop(params, xalan, 50)
    expect(r.direct).toBeGreaterThan(r.indirect)
  })
})
