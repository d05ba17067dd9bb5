/**
 * The sensitivity analysis's plan before it runs: which (variant, experiment) runs provably cannot
 * change a row (sensitivity-reads.ts), how many tasks remain, and how long they take at a recorded
 * host cost per task. Pure, given the experiments' reads and costs.
 */
import type {LoadedProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import {expandPoints} from './points.js'
import {selectSystems} from './registry.js'
import {replicatesOf} from './runner.js'
import {cannotChange} from './sensitivity-reads.js'
import type {Variant} from './sensitivity.js'
import type {ExperimentDef, SystemId} from './types.js'

/** One variant of the plan: its profile, or why it is not a valid one; per experiment, whether it runs. */
export interface PlannedVariant {
  variant: Variant
  profile?: LoadedProfile
  invalid?: string
  /** Per experiment (in the run's order): true when the variant cannot change its rows (not run). */
  notRead: boolean[]
}

/**
 * Each variant's profile (the run's with the variant's sets) and, where `reads` are known (per
 * experiment, from the default run), the experiments it cannot change. The default runs everything.
 */
export function pruneVariants(
  defs: readonly ExperimentDef[],
  base: LoadedProfile,
  variants: readonly Variant[],
  reads: readonly (readonly string[] | undefined)[],
  load: (v: Variant) => LoadedProfile,
): PlannedVariant[] {
  return variants.map((variant) => {
    const none = defs.map(() => false)
    if (variant.sets.length === 0) return {variant, profile: base, notRead: none}
    let profile: LoadedProfile
    try {
      profile = load(variant)
    } catch (e) {
      if (!(e instanceof UsageError)) throw e
      return {variant, invalid: e.message.split('\n')[0], notRead: none}
    }
    const notRead = defs.map((d, k) => reads[k] !== undefined && cannotChange(d, base, profile, reads[k]))
    return {variant, profile, notRead}
  })
}

/** Tasks of one run of the experiment (points x replicates x systems). */
export function taskCount(def: ExperimentDef, quick: boolean, replicates: number, systems?: readonly SystemId[]) {
  return expandPoints(def.axes, quick).length * replicatesOf(def, replicates) * selectSystems(def, systems).length
}

export interface PlanCost {
  variants: number
  /** Variants that run something (valid ones). */
  valid: number
  /** Valid variants after the default that no experiment reads: they run nothing at all. */
  unread: number
  /** (variant, experiment) runs before and after pruning, and the tasks in them. */
  runs: {planned: number; pruned: number}
  tasks: {planned: number; pruned: number}
  /** Host CPU seconds at the recorded cost per task; null where an experiment has no recorded cost. */
  seconds: {planned: number | null; pruned: number | null}
}

/**
 * The work of the plan: every valid variant runs every experiment it can change. `perTask[k]`: host
 * seconds per task of experiment k (recorded), undefined when none is recorded.
 */
export function planCost(
  plan: readonly PlannedVariant[],
  tasks: readonly number[],
  perTask: readonly (number | undefined)[],
): PlanCost {
  const out: PlanCost = {
    variants: plan.length,
    valid: 0,
    unread: 0,
    runs: {planned: 0, pruned: 0},
    tasks: {planned: 0, pruned: 0},
    seconds: {planned: 0, pruned: 0},
  }
  const known = perTask.every((c) => c !== undefined)
  for (const v of plan) {
    if (v.invalid) continue
    out.valid++
    if (v.notRead.length > 0 && v.notRead.every(Boolean)) out.unread++
    tasks.forEach((n, k) => {
      const cost = n * (perTask[k] ?? 0)
      out.runs.planned++
      out.tasks.planned += n
      out.seconds.planned! += cost
      if (v.notRead[k]) return
      out.runs.pruned++
      out.tasks.pruned += n
      out.seconds.pruned! += cost
    })
  }
  if (!known) out.seconds = {planned: null, pruned: null}
  return out
}
