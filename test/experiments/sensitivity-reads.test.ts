/**
 * Pruning the sensitivity analysis: the default run records exactly what each experiment read (a
 * key read by one system only is recorded), a variant of a key it never read is not run, and the
 * outputs name it `not read`.
 */
import {describe, expect, it} from 'vitest'
import {DEFAULT_PROFILE, loadProfile} from '../../src/config/index.js'
import {carryOverrides} from '../../src/config/overlay.js'
import {PATH_READ} from '../../src/config/read-tracking.js'
import {InvariantError} from '../../src/errors.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {cannotChange, usedProfile} from '../../src/experiments/sensitivity-reads.js'
import {planCost, pruneVariants} from '../../src/experiments/sensitivity-prune.js'
import {planSensitivity, runSensitivity, variantProfile} from '../../src/experiments/sensitivity-run.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {robustness, sensitivityCsv} from '../../src/report/sensitivity.js'
import {sensitivityPlanJson, sensitivityPlanText} from '../../src/report/sensitivity-plan.js'
import {fakeEngine} from './fixtures.js'

const profile = loadProfile()

/** Reads cache.l2Hit on every system and cpu.wakeup only on virtuos; never cpu.contextSwitch. */
const probe: ExperimentDef = {
  id: 'probe',
  title: 'probe',
  reproduces: 'nothing',
  axes: [{name: 'n', quick: [1, 2], full: [1, 2]}],
  systems: ['native', 'virtuos'],
  metrics: [{name: 'cycles', unit: 'cycles', better: 'lower'}],
  deterministic: 'arithmetic on the profile',
  clauses: [
    {
      text: 'virtuos stays below 250 cycles',
      margin: null,
      check: (rows) => {
        const v = rows.find((r) => r.system === 'virtuos')
        return {verdict: v && v.value < 250 ? 'supported' : 'not supported', detail: '', points: []}
      },
    },
  ],
  run(point, system, ctx) {
    const p = ctx.profile.params
    const extra = system === 'virtuos' ? p.cpu.wakeup : 0
    return {metrics: {cycles: Number(point.n) * p.cache.l2Hit + extra}, engine: fakeEngine(1)}
  },
}

const options = {seed: 1, quick: true, jobs: 1, profile}

describe('read tracking in a run', () => {
  it('records a key read by one system only; a run of the other system alone does not read it', async () => {
    const [both] = await runExperiments([probe], {...options, trackReads: true})
    expect(both.reads).toEqual(['cache.l2Hit', 'cpu.wakeup'])
    const [native] = await runExperiments([probe], {...options, trackReads: true, systems: ['native']})
    expect(native.reads).toEqual(['cache.l2Hit'])
  })
  it('gives the rows of an untracked run', async () => {
    const [a] = await runExperiments([probe], options)
    const [b] = await runExperiments([probe], {...options, trackReads: true})
    expect(b.rows).toEqual(a.rows)
  })
  it("tracks the profile an experiment's numbers come from (profileFor), and refuses one that is not its own", async () => {
    const FLEXSC = DEFAULT_PROFILE.replace('xeon-e5520.json', 'flexsc-i7.json')
    const onFlexsc = {
      ...probe,
      profileFor: (run: typeof profile) => (run.path === DEFAULT_PROFILE ? carryOverrides(run, FLEXSC) : run),
    }
    const [run] = await runExperiments([onFlexsc], {...options, trackReads: true})
    expect(run.reads).toEqual(['cache.l2Hit', 'cpu.wakeup'])
    expect(run.rows[0].value).toBe(usedProfile(onFlexsc, profile).params.cache.l2Hit)
    const clockOnly = {
      ...onFlexsc,
      run: (_p: unknown, _s: unknown, ctx: {profile: typeof profile}) => {
        void onFlexsc.profileFor(ctx.profile)
        return {metrics: {cycles: ctx.profile.params.clockHz}, engine: fakeEngine(1)}
      },
    } as unknown as ExperimentDef
    const [c] = await runExperiments([clockOnly], {...options, trackReads: true, systems: ['native']})
    expect(c.reads).toEqual([PATH_READ, 'clockHz'])
    // the run's --set is carried onto the FlexSC testbed: its clock moves with the run's, a wake-up cost does not
    expect(cannotChange(clockOnly, profile, loadProfile({set: ['machine.clock=3']}), c.reads!)).toBe(false)
    expect(cannotChange(clockOnly, profile, loadProfile({set: ['cpu.wakeup=300']}), c.reads!)).toBe(true)
    const flipping = {
      ...probe,
      profileFor: (run: typeof profile) => (run.path === DEFAULT_PROFILE ? carryOverrides(run, FLEXSC) : profile),
    }
    expect(() => usedProfile(flipping, profile)).toThrow(InvariantError)
  })
})

describe('pruned analysis', () => {
  const o = {
    ...options,
    method: 'oat' as const,
    trajectories: 2,
    levels: 4,
    estimates: ['cpu.wakeup', 'cpu.contextSwitch'],
  }

  it('runs no variant of an unread key, names it not read, and judges the read one', async () => {
    const ran: string[] = []
    const result = await runSensitivity([probe], {...o, onVariant: (_d, _t, id) => ran.push(id)})
    const ids = result.variants.map((v) => v.variant.id)
    expect(ids).toEqual([
      'default',
      'cpu.contextSwitch@low',
      'cpu.contextSwitch@high',
      'cpu.wakeup@low',
      'cpu.wakeup@high',
    ])
    expect(result.variants.map((v) => v.runs[0].notRead === true)).toEqual([false, true, true, false, false])
    // the read key's variant ran on its value
    const high = result.variants[4]
    const wake = variantProfile(profile, high.variant).params.cpu.wakeup
    expect(high.runs[0].rows.find((r) => r.system === 'virtuos')!.value).toBe(profile.params.cache.l2Hit + wake)
    const csv = sensitivityCsv(result).trim().split('\n')
    expect(csv[0].endsWith(',status')).toBe(true)
    const unread = csv.filter((l) => l.startsWith('cpu.contextSwitch'))
    expect(unread).toHaveLength(2)
    for (const l of unread) expect(l.endsWith(',not read')).toBe(true)
    expect(csv.filter((l) => l.startsWith('cpu.wakeup')).every((l) => l.endsWith(',ran'))).toBe(true)
    const [clause] = robustness(result)
    expect(clause.notRead).toEqual(['cpu.contextSwitch'])
  })

  it('plans the same pruning from recorded reads, and counts its tasks and time', () => {
    const plan = planSensitivity(o)
    const planned = pruneVariants([probe], profile, plan.variants, [['cache.l2Hit', 'cpu.wakeup']], (v) =>
      variantProfile(profile, v),
    )
    expect(planned.map((p) => p.notRead[0])).toEqual([false, true, true, false, false])
    const cost = planCost(planned, [4], [0.5])
    expect(cost).toMatchObject({
      variants: 5,
      valid: 5,
      unread: 2,
      runs: {planned: 5, pruned: 3},
      tasks: {planned: 20, pruned: 12},
    })
    expect(cost.seconds).toEqual({planned: 10, pruned: 6})
    const unknown = pruneVariants([probe], profile, plan.variants, [undefined], (v) => variantProfile(profile, v))
    expect(unknown.every((p) => !p.notRead[0])).toBe(true)
    const json = sensitivityPlanJson(
      'oat',
      2,
      [probe],
      planned,
      [4],
      [['native', 'virtuos']],
      {perTask: [0.5], from: ['x']},
      [['cpu.wakeup']],
      2,
    )
    expect(json).toMatchObject({dryRun: true, variants: 5, readsKnown: true, hostSeconds: {planned: 10, pruned: 6}})
    expect(json.wallSeconds).toEqual({planned: 5, pruned: 3})
    expect(json.experiments[0]).toMatchObject({id: 'probe', systems: ['native', 'virtuos'], tasks: 4})
    expect(json.experiments[0].runs).toEqual({planned: 5, pruned: 3})
    expect(sensitivityPlanText(json, 'reads.json')).toContain('    probe (native, virtuos): 4 tasks per variant')
  })
})
