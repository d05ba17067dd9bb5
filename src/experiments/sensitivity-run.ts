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
import {pruneVariants, type PlannedVariant} from './sensitivity-prune.js'
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
  /** After the default run: what each experiment read and cost, and the variants as pruned by it. */
  onDefault?: (runs: readonly ExperimentRun[], plan: readonly PlannedVariant[]) => void
}

/** What the analysis reads of an experiment's run: an ExperimentRun, or one rebuilt from a shard file. */
export type VariantExperiment = Pick<ExperimentRun, 'experiment' | 'systems' | 'rows'> & {
  runProfile: {name: string; hash: string}
  /**
   * Not run: the variant agrees with the default at every profile value the experiment read in the
   * default run, so its rows are provably the default's (and are those).
   */
  notRead?: boolean
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
 * variant 0, shard 1's); mergeSensitivity() puts shards together. The default runs first, tracking
 * what each experiment reads of its profile (every shard runs it, for the reads); a variant then
 * runs only the experiments it can change (sensitivity-reads.ts), the others keep the default's rows.
 */
export async function runSensitivity(
  defs: readonly ExperimentDef[],
  o: SensitivityOptions,
  shard?: Shard,
): Promise<SensitivityResult> {
  const plan = planSensitivity(o)
  const mine = plan.variants.map((v, i) => ({v, i})).filter(({i}) => shard === undefined || inShard(i, shard))
  if (mine.length === 0) return {method: o.method, factors: plan.factors, design: plan.design, variants: []}
  const start = performance.now()
  const base = await runExperiments(defs, {...o, trackReads: true})
  const planned = pruneVariants(
    defs,
    o.profile,
    mine.map(({v}) => v),
    base.map((r) => r.reads),
    (v) => variantProfile(o.profile, v),
  )
  o.onDefault?.(base, planned)
  const variants: VariantRun[] = []
  for (const [j, p] of planned.entries()) {
    if (mine[j].i === 0) {
      variants.push({variant: p.variant, runs: base})
      o.onVariant?.(j + 1, planned.length, p.variant.id, (performance.now() - start) / 1000)
      continue
    }
    if (p.invalid) {
      variants.push({variant: p.variant, runs: [], invalid: p.invalid})
      continue
    }
    const t0 = performance.now()
    variants.push({variant: p.variant, runs: await runVariant(defs, o, p, base)})
    o.onVariant?.(j + 1, planned.length, p.variant.id, (performance.now() - t0) / 1000)
  }
  return {method: o.method, factors: plan.factors, design: plan.design, variants}
}

/** The variant's runs: the experiments it can change run on its profile, the others are the default's. */
async function runVariant(
  defs: readonly ExperimentDef[],
  o: SensitivityOptions,
  p: PlannedVariant,
  base: readonly ExperimentRun[],
): Promise<VariantExperiment[]> {
  const ran = await runExperiments(
    defs.filter((_, k) => !p.notRead[k]),
    {...o, profile: p.profile!},
  )
  return defs.map((_, k) => (p.notRead[k] ? notReadRun(base[k], p.profile!) : ran.shift()!))
}

/** A run not made: the default's rows, named as the variant's. */
export function notReadRun(base: VariantExperiment, profile: {name: string; hash: string}): VariantExperiment {
  return {
    experiment: base.experiment,
    systems: base.systems,
    rows: base.rows,
    runProfile: {name: profile.name, hash: profile.hash},
    notRead: true,
  }
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
  // a shard keeps no rows of a run it did not make: they are the default's
  const [base] = variants
  for (const v of variants) v.runs = v.runs.map((r, k) => (r.notRead ? notReadRun(base.runs[k], r.runProfile) : r))
  return {method: o.method, factors: plan.factors, design: plan.design, variants}
}

/** The run's profile file with its --set assignments, then the variant's. */
export function variantProfile(base: LoadedProfile, v: Variant): LoadedProfile {
  if (v.sets.length === 0) return base
  return loadProfile({config: base.path, set: [...base.sets, ...v.sets]})
}
