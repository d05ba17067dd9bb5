/**
 * The designs' mechanism constants are profile constants: `--set <group>.<key>` reaches the design
 * (its resolved value and a cost computed from it change), bad values are one-line usage errors
 * naming the key, the per-design options still override the profile, and fitted points stay out of
 * the flexsc-batching verdict. Mechanisms only: no published number is checked here.
 */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {checkMechanismOverrides} from '../../src/config/schema.js'
import {UsageError} from '../../src/errors.js'
import {judgeClaim} from '../../src/experiments/claims.js'
import {FITTED_POINTS, FLEXSC_PROFILE, flexscBatching, profileFor} from '../../src/experiments/flexsc-batching.js'
import type {ResultRow} from '../../src/experiments/types.js'
import {resolveDriverDomainParams} from '../../src/kernel/driver-domain/params.js'
import {resolveFlexscParams} from '../../src/kernel/flexsc/params.js'
import {resolveVirtuosParams} from '../../src/kernel/virtuos/params.js'
import {compute} from '../../src/machine/cost.js'
import {defaultWorkingSet, isolatedPenalty} from '../../src/machine/indirect.js'
import {nativeSystem} from '../kernel/fixture.js'

const load = (...set: string[]) => loadProfile({set}).params

describe('mechanism constants in the profile', () => {
  it('--set virtuos.<key> reaches the VirtuOS parameters', () => {
    const base = resolveVirtuosParams(load(), load().virtuos)
    const set = resolveVirtuosParams(load(), load('virtuos.libraryCallInstructions=300').virtuos)
    expect(set.libraryCallInstructions).toBe(2 * base.libraryCallInstructions)
    expect(compute(set.libraryCallInstructions, 1)).toBeGreaterThan(compute(base.libraryCallInstructions, 1))
  })
  it('--set flexsc.<key> reaches the FlexSC parameters and the cost of a post', () => {
    const a = load()
    const b = load('flexsc.hotLoopIpc=0.5')
    const fa = resolveFlexscParams([0, 1], a.flexsc)
    const fb = resolveFlexscParams([0, 1], b.flexsc)
    expect(fb.hotLoopIpc).toBe(0.5)
    expect(compute(fb.postInstructions, fb.hotLoopIpc)).toBeGreaterThan(compute(fa.postInstructions, fa.hotLoopIpc))
  })
  it('--set driverDomain.<key> reaches the split-driver parameters', () => {
    const dp = resolveDriverDomainParams(load(), load('driverDomain.netFrameInstructions=2500').driverDomain)
    expect(dp.netFrameInstructions).toBe(2500)
  })
  it('--set kernel.<key> reaches the kernel, and options.kernel still overrides it', () => {
    const params = load('kernel.pollPerFdInstructions=333')
    expect(nativeSystem({params}).system.kernels[0].kparams.pollPerFdInstructions).toBe(333)
    const opt = nativeSystem({params, kernel: {pollPerFdInstructions: 7}})
    expect(opt.system.kernels[0].kparams.pollPerFdInstructions).toBe(7)
  })
  it('--set workload.<key> changes the default working set and so the indirect cost of a trap', () => {
    const a = load()
    const b = load('workload.liveL1dShare=0.25')
    const wa = defaultWorkingSet(a)
    const wb = defaultWorkingSet(b)
    expect(wb.lines.l1d).toBe(wa.lines.l1d / 4)
    const fp = a.syscalls.footprints.pwrite
    // fewer live user lines in L1d: fewer of them displaced by the kernel, a smaller refill
    expect(isolatedPenalty(b, fp, wb)).toBeLessThan(isolatedPenalty(a, fp, wa))
  })
  it('per-design options override the profile', () => {
    const p = load()
    expect(resolveVirtuosParams(p, p.virtuos, {pollInstructions: 99}).pollInstructions).toBe(99)
    expect(resolveFlexscParams([0, 1], p.flexsc, {postInstructions: 50}).postInstructions).toBe(50)
    expect(resolveDriverDomainParams(p, p.driverDomain, {blkRequestInstructions: 9}).blkRequestInstructions).toBe(9)
  })
  it('bad values are one-line usage errors naming the key (profile and options alike)', () => {
    expect(() => load('virtuos.pollInstructions=-1')).toThrow(
      /virtuos\.pollInstructions\.value: expected a number >= 0/,
    )
    expect(() => load('flexsc.lineFillBuffers=2.5')).toThrow(
      /flexsc\.lineFillBuffers\.value: expected a positive integer/,
    )
    expect(() => load('workload.liveL3Share=2')).toThrow(/workload\.liveL3Share\.value: expected a number from 0 to 1/)
    expect(() => load('flexsc.hotLoopIpc=9')).toThrow(/flexsc\.hotLoopIpc\.value: expected a plausible value <= 4/)
    const p = load()
    expect(() => resolveFlexscParams([0, 1], p.flexsc, {hotLoopIpc: 0})).toThrow(UsageError)
    expect(() => resolveVirtuosParams(p, p.virtuos, {registerInstructions: -5})).toThrow(
      /^virtuos\.registerInstructions: expected a number >= 0, found -5$/,
    )
    expect(() => checkMechanismOverrides('driverDomain', {netFrameInstructions: Number.NaN})).toThrow(
      /^driverDomain\.netFrameInstructions: /,
    )
  })
  it('a --set of a fitted constant drops its fitted mark (the new value was not fitted)', () => {
    const fitted = loadProfile({set: []}).profile.flexsc.postInstructions
    expect(fitted.fitted).toMatch(/batch 1/)
    expect(loadProfile({set: ['flexsc.postInstructions=25']}).profile.flexsc.postInstructions.fitted).toBeUndefined()
  })
})

describe("flexsc-batching runs on flexsc-i7 with the run's --set of a mechanism constant carried over", () => {
  it('carries a --set flexsc.<key>, and nothing without one', () => {
    const carried = profileFor(loadProfile({set: ['flexsc.postInstructions=40']}))
    expect(carried.name).toBe('flexsc-i7')
    expect(carried.params.flexsc.postInstructions).toBe(40)
    expect(profileFor(loadProfile({set: []})).hash).toBe(loadProfile({config: FLEXSC_PROFILE, set: []}).hash)
  })
})

describe('fitted points stay out of the flexsc-batching verdict', () => {
  const row = (placement: string, batch: number, value: number, metric = 'ratio_vs_sync'): ResultRow =>
    ({
      experiment: 'flexsc-batching',
      system: 'flexsc',
      params: {placement, batch},
      metric,
      value,
      ci95Low: value,
      ci95High: value,
      replicates: 1,
      unit: 'ratio',
      better: 'lower',
      nativeValue: 1,
      ratioVsNative: value,
      seed: 1,
      profile: 'flexsc-i7',
    }) as ResultRow
  it('a fitted point far off its published value changes no clause; an unfitted one does', () => {
    const fitted = FITTED_POINTS.map((p) => row(p.placement, p.batch, 100))
    const fair = [row('same-core', 2, 0.9), row('same-core', 64, 1 / 2.3), row('remote-core', 1, 500, 'ns_per_call')]
    const verdicts = (rows: ResultRow[]) => judgeClaim(flexscBatching, rows)!.clauses.map((c) => c.verdict)
    expect(verdicts([...fitted, ...fair])).toEqual(verdicts(fair))
    expect(verdicts(fair)).not.toContain('not supported')
    expect(verdicts([...fair, row('same-core', 4, 100)])).toContain('not supported')
  })
})
