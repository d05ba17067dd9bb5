/**
 * A sensitivity analysis split across machines: `bench sensitivity --shard K/N` runs its
 * round-robin share of the profile variants and writes `sensitivity-shard-K-of-N.json` (the
 * variants' rows and the analysis they belong to); `bench merge` joins the shards and writes the
 * unsharded analysis's files (the file is checked on reading by fileSchema below).
 */
import {z} from 'zod'
import {getExperiment} from '../experiments/registry.js'
import type {SensitivityMethod, SensitivityResult, VariantRun} from '../experiments/sensitivity-run.js'
import type {Shard} from '../experiments/shard.js'
import type {ExperimentDef, ResultRow, SystemId} from '../experiments/types.js'
import {readJsonAs, runIdentity, type RunIdentity, type RunIdentityOptions} from './shardfile.js'

export const SENSITIVITY_SHARD_FORMAT = 'virtuos-sensitivity-shard'

/** What makes two shards parts of one analysis: every field must agree. */
export interface SensitivityShardRun extends RunIdentity {
  /** The systems each of `experiments` runs (by default those its clauses read): shards must agree. */
  experimentSystems: string[][]
  method: SensitivityMethod
  trajectories: number
  levels: number
  estimates: string[] | null
}

export interface SensitivityShardFile {
  format: typeof SENSITIVITY_SHARD_FORMAT
  version: 1
  run: SensitivityShardRun
  shard: Shard
  variants: {
    id: string
    invalid?: string
    /** A run with notRead holds no rows: the variant cannot change them (they are the default's). */
    runs: {
      experiment: string
      systems: SystemId[]
      rows: ResultRow[]
      runProfile: {name: string; hash: string}
      notRead?: true
    }[]
  }[]
}

export const sensitivityShardName = (s: Shard) => `sensitivity-shard-${s.index}-of-${s.count}.json`

export function sensitivityShardRun(
  o: RunIdentityOptions & {
    experimentSystems: readonly (readonly string[])[]
    method: SensitivityMethod
    trajectories: number
    levels: number
    estimates?: readonly string[]
  },
): SensitivityShardRun {
  const {method, trajectories, levels} = o
  const experimentSystems = o.experimentSystems.map((s) => [...s])
  return {
    ...runIdentity(o),
    experimentSystems,
    method,
    trajectories,
    levels,
    estimates: o.estimates ? [...o.estimates] : null,
  }
}

export function sensitivityShardText(run: SensitivityShardRun, shard: Shard, result: SensitivityResult): string {
  const file: SensitivityShardFile = {
    format: SENSITIVITY_SHARD_FORMAT,
    version: 1,
    run,
    shard,
    variants: result.variants.map((v) => ({
      id: v.variant.id,
      ...(v.invalid ? {invalid: v.invalid} : {}),
      runs: v.runs.map((r) => ({
        experiment: r.experiment.id,
        systems: [...r.systems],
        rows: r.notRead ? [] : r.rows,
        runProfile: {name: r.runProfile.name, hash: r.runProfile.hash},
        ...(r.notRead ? {notRead: true as const} : {}),
      })),
    })),
  }
  return `${JSON.stringify(file)}\n`
}

const fileSchema = z.object({
  format: z.literal(SENSITIVITY_SHARD_FORMAT),
  version: z.literal(1),
  run: z.object({
    experiments: z.array(z.string()).min(1),
    seed: z.number().int().nonnegative(),
    quick: z.boolean(),
    replicates: z.number().int().positive(),
    config: z.string(),
    sets: z.array(z.string()),
    profileHash: z.string(),
    experimentSystems: z.array(z.array(z.string())),
    method: z.enum(['oat', 'morris']),
    trajectories: z.number().int().positive(),
    levels: z.number().int().positive(),
    estimates: z.array(z.string()).nullable(),
    toolVersion: z.string(),
    gitRevision: z.string().nullable(),
  }),
  shard: z.object({index: z.number().int().positive(), count: z.number().int().positive()}),
  variants: z.array(
    z.object({
      id: z.string(),
      invalid: z.string().optional(),
      runs: z.array(
        z.object({
          experiment: z.string(),
          systems: z.array(z.string()),
          rows: z.array(z.looseObject({experiment: z.string(), system: z.string(), metric: z.string()})),
          runProfile: z.object({name: z.string(), hash: z.string()}),
          notRead: z.literal(true).optional(),
        }),
      ),
    }),
  ),
})

export function readSensitivityShard(path: string): SensitivityShardFile {
  return readJsonAs<SensitivityShardFile>(path, fileSchema, 'a sensitivity shard file')
}

/** The shards' variants as the analysis reads them (experiments from the registry). */
export function shardVariants(
  files: readonly SensitivityShardFile[],
  experiment: (id: string) => ExperimentDef = getExperiment,
): VariantRun[] {
  return files.flatMap((f) =>
    f.variants.map((v) => ({
      variant: {id: v.id, sets: []},
      ...(v.invalid ? {invalid: v.invalid} : {}),
      runs: v.runs.map((r) => ({...r, experiment: experiment(r.experiment)})),
    })),
  )
}
