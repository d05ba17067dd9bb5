/**
 * Runs a sensitivity analysis: the run's profile, then each variant of the design (sensitivity.ts),
 * every chosen experiment under each, with the same seeds and replicates (common random numbers, so
 * a difference between variants is the constant's, not the dice's).
 */
import {performance} from 'node:perf_hooks'
import {loadProfile, type LoadedProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import {runExperiments, type ExperimentRun, type RunOptions} from './runner.js'
import {inShard, type Shard} from './shard.js'
import {
  estimateFactors,
  morrisDesign,
  morrisVariants,
  oatVariants,
  type Factor,
  type Trajectory,
  type Variant,
} from './sensitivity.js'
import type {ExperimentDef} from './types.js'

export type SensitivityMethod = 'oat' | 'morris'

export interface SensitivityOptions extends Omit<RunOptions, 'profile' | 'onTaskDone'> {
  /** The run's profile (--config, --set): the default every variant starts from. */
  profile: LoadedProfile
  method: SensitivityMethod
  /** Morris: trajectories (r) and grid levels (p, even). */
  trajectories: number
  levels: number
  /** Only these estimates (keys); default every estimate of the profile. */
  estimates?: readonly string[]
  /** After each variant: its index from 0, the count, its id and wall seconds. */
  onVariant?: (done: number, total: number, id: string, seconds: number) => void
}

/** What the analysis reads of an experiment's run: an ExperimentRun, or one rebuilt from a shard file. */
export type VariantExperiment = Pick<ExperimentRun, 'experiment' | 'systems' | 'rows'> & {
  runProfile: {name: string; hash: string}
}

export interface VariantRun {
  variant: Variant
  runs: VariantExperiment[]
  /** Why the variant's profile is not valid (e.g. a core allocation that no longer fits): it ran nothing. */
  invalid?: string
}

export interface SensitivityResult {
  method: SensitivityMethod
  factors: Factor[]
  /** Morris only. */
  design?: Trajectory[]
  /** The default first, then the design's variants in order. */
  variants: VariantRun[]
}

/** The variants the options ask for, with the factors they move. */
export function planSensitivity(o: SensitivityOptions): {
  factors: Factor[]
  design?: Trajectory[]
  variants: Variant[]
} {
  const factors = estimateFactors(o.profile, o.estimates)
  if (o.method === 'oat') return {factors, variants: oatVariants(factors)}
  const design = morrisDesign(factors.length, o.trajectories, o.levels, o.seed)
  return {factors, design, variants: morrisVariants(factors, design)}
}

/**
 * Runs every variant of the plan, or with `shard` only its round-robin share of them (the default is
 * variant 0, shard 1's); mergeSensitivity() puts shards together.
 */
export async function runSensitivity(
  defs: readonly ExperimentDef[],
  o: SensitivityOptions,
  shard?: Shard,
): Promise<SensitivityResult> {
  const plan = planSensitivity(o)
  const mine = plan.variants.filter((_, i) => shard === undefined || inShard(i, shard))
  const variants: VariantRun[] = []
  for (const [i, variant] of mine.entries()) {
    const start = performance.now()
    let profile: LoadedProfile
    try {
      profile = variantProfile(o.profile, variant)
    } catch (e) {
      if (!(e instanceof UsageError)) throw e
      variants.push({variant, runs: [], invalid: e.message.split('\n')[0]})
      continue
    }
    variants.push({variant, runs: await runExperiments(defs, {...o, profile})})
    o.onVariant?.(i + 1, mine.length, variant.id, (performance.now() - start) / 1000)
  }
  return {method: o.method, factors: plan.factors, design: plan.design, variants}
}

/** The whole analysis from its shards' variants (each variant exactly once), in the plan's order. */
export function mergeSensitivity(o: SensitivityOptions, parts: readonly VariantRun[]): SensitivityResult {
  const plan = planSensitivity(o)
  const byId = new Map<string, VariantRun>()
  for (const p of parts) {
    if (byId.has(p.variant.id)) throw new UsageError(`variant ${p.variant.id} is in two shards`)
    byId.set(p.variant.id, p)
  }
  if (byId.size > plan.variants.length || [...byId.keys()].some((id) => !plan.variants.some((v) => v.id === id)))
    throw new UsageError('the shards hold variants the analysis does not plan')
  const variants = plan.variants.map((v) => {
    const got = byId.get(v.id)
    if (!got) throw new UsageError(`variant ${v.id} is in no shard (merge every shard of the analysis)`)
    return {...got, variant: v}
  })
  return {method: o.method, factors: plan.factors, design: plan.design, variants}
}

/** The run's profile file with its --set assignments, then the variant's. */
export function variantProfile(base: LoadedProfile, v: Variant): LoadedProfile {
  if (v.sets.length === 0) return base
  return loadProfile({config: base.path, set: [...base.sets, ...v.sets]})
}
