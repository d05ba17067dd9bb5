/**
 * Runs a sensitivity analysis: the run's profile, then each variant of the design (sensitivity.ts),
 * every chosen experiment under each, with the same seeds and replicates (common random numbers, so
 * a difference between variants is the constant's, not the dice's).
 */
import {performance} from 'node:perf_hooks'
import {loadProfile, type LoadedProfile} from '../config/index.js'
import {runExperiments, type ExperimentRun, type RunOptions} from './runner.js'
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

export interface VariantRun {
  variant: Variant
  runs: ExperimentRun[]
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

export async function runSensitivity(
  defs: readonly ExperimentDef[],
  o: SensitivityOptions,
): Promise<SensitivityResult> {
  const plan = planSensitivity(o)
  const variants: VariantRun[] = []
  for (const [i, variant] of plan.variants.entries()) {
    const start = performance.now()
    const profile = variantProfile(o.profile, variant)
    variants.push({variant, runs: await runExperiments(defs, {...o, profile})})
    o.onVariant?.(i + 1, plan.variants.length, variant.id, (performance.now() - start) / 1000)
  }
  return {method: o.method, factors: plan.factors, design: plan.design, variants}
}

/** The run's profile file with its --set assignments, then the variant's. */
export function variantProfile(base: LoadedProfile, v: Variant): LoadedProfile {
  if (v.sets.length === 0) return base
  return loadProfile({config: base.path, set: [...base.sets, ...v.sets]})
}
