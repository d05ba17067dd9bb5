/**
 * A shard's output file (`shard-K-of-N.json` in --out): the shard's task results and everything
 * needed to merge it with its siblings into the unsharded run's files: which run it is part of
 * (experiments, systems, seed, mode, replicates, profile and its hash, tool revision) and which
 * tasks it ran (schemas/shard.schema.json).
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {z} from 'zod'
import {loadProfile, type LoadedProfile} from '../config/index.js'
import {PACKAGE_ROOT} from '../config/load.js'
import {UsageError} from '../errors.js'
import type {ShardResults} from '../experiments/runner.js'
import {SYSTEM_IDS, type SystemId} from '../experiments/types.js'
import {MODES} from '../machine/counters.js'
import {LEVELS, type CacheLevel} from '../machine/indirect.js'
import type {Shard} from '../experiments/shard.js'
import {portablePath, toolInfo} from './meta.js'

export const SHARD_FORMAT = 'virtuos-shard'
export const SHARD_VERSION = 1

/** What makes two shards parts of one run: every field must agree. */
export interface ShardRunInfo extends RunIdentity {
  /** The command whose outputs the merge writes: `bench paper` (report, charts) or `bench run --out`. */
  command: 'paper' | 'run'
  /** The --system selection; null: every system each experiment compares. */
  systems: SystemId[] | null
}

export interface ShardFile {
  format: typeof SHARD_FORMAT
  version: typeof SHARD_VERSION
  run: ShardRunInfo
  shard: Shard
  jobs: number
  experiments: ShardResults['experiments']
}

export const shardFileName = (s: Shard) => `shard-${s.index}-of-${s.count}.json`
/** A run's shard files and a sensitivity analysis's (sensitivity-shard-K-of-N.json). */
const SHARD_FILE = /^(sensitivity-)?shard-\d+-of-\d+\.json$/

/** The `format` of a JSON file, to tell a run's shard from an analysis's before validating it. */
export function shardFormat(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as {format?: unknown}).format
  } catch {
    return undefined // readShardFile gives the one-line error
  }
}

/** What every shard file names of the run it belongs to (experiments, seed, mode, replicates, profile, tool). */
export interface RunIdentity {
  experiments: string[]
  seed: number
  quick: boolean
  replicates: number
  /** The profile file, relative to the package root when inside it (as meta.json names it). */
  config: string
  sets: string[]
  profileHash: string
  toolVersion: string
  gitRevision: string | null
}

export interface RunIdentityOptions {
  experiments: readonly string[]
  seed: number
  quick: boolean
  replicates?: number
  profile: LoadedProfile
  sets: readonly string[]
}

export function runIdentity(o: RunIdentityOptions): RunIdentity {
  const tool = toolInfo()
  return {
    experiments: [...o.experiments],
    seed: o.seed,
    quick: o.quick,
    replicates: o.replicates ?? 1,
    config: portablePath(o.profile.path),
    sets: [...o.sets],
    profileHash: o.profile.hash,
    toolVersion: tool.version,
    gitRevision: tool.gitRevision,
  }
}

export function shardRunInfo(
  command: ShardRunInfo['command'],
  o: RunIdentityOptions & {systems?: readonly SystemId[]},
): ShardRunInfo {
  const systems = o.systems && o.systems.length > 0 ? [...o.systems] : null
  return {command, systems, ...runIdentity(o)}
}

export function shardFileText(run: ShardRunInfo, results: ShardResults): string {
  const file: ShardFile = {
    format: SHARD_FORMAT,
    version: SHARD_VERSION,
    run,
    shard: results.shard,
    jobs: results.jobs,
    experiments: results.experiments,
  }
  return `${JSON.stringify(file)}\n`
}

const engineSchema = z.object({
  events: z.number(),
  simulatedCycles: z.number(),
  hostSeconds: z.number(),
  eventsPerSecond: z.number(),
  simulatedSecondsPerHostSecond: z.number().nullable(),
})

/** A point's counters (experiments/counter-metrics.ts CounterEntry): merged runs keep them for REPORT.md. */
const counterEntrySchema = z.object({
  domain: z.string(),
  mode: z.enum(MODES),
  cores: z.string(),
  cycles: z.number().nonnegative(),
  instructions: z.number().nonnegative(),
  misses: z.object(
    Object.fromEntries(LEVELS.map((l) => [l, z.number().nonnegative()])) as Record<CacheLevel, z.ZodNumber>,
  ),
})

const fileSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  version: z.literal(SHARD_VERSION),
  run: z.object({
    command: z.enum(['paper', 'run']),
    experiments: z.array(z.string()).min(1),
    systems: z.array(z.enum(SYSTEM_IDS)).nullable(),
    seed: z.number().int().nonnegative(),
    quick: z.boolean(),
    replicates: z.number().int().positive(),
    config: z.string(),
    sets: z.array(z.string()),
    profileHash: z.string(),
    toolVersion: z.string(),
    gitRevision: z.string().nullable(),
  }),
  shard: z.object({index: z.number().int().positive(), count: z.number().int().positive()}),
  jobs: z.number().int().positive(),
  experiments: z.array(
    z.object({
      id: z.string(),
      tasks: z.number().int().nonnegative(),
      indices: z.array(z.number().int().nonnegative()),
      results: z.array(
        z.object({
          metrics: z.record(z.string(), z.number()),
          samples: z.number().optional(),
          engine: engineSchema,
          notes: z.array(z.string()).optional(),
          counters: z.array(counterEntrySchema).optional(),
        }),
      ),
      wallSeconds: z.number().nonnegative(),
    }),
  ),
})

/** Reads one shard file; one line naming the file and the first problem otherwise. */
/** A JSON file of the kind `schema` describes; one line naming the file and its first problem otherwise. */
export function readJsonAs<T>(path: string, schema: z.ZodType, kind: string): T {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    throw new UsageError(`${path}: cannot read the shard file (${err.code ?? err.message.split('\n')[0]})`)
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`${path}: not ${kind}: ${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }
  return parsed.data as T
}

export function readShardFile(path: string): ShardFile {
  const f = readJsonAs<ShardFile>(path, fileSchema, 'a shard file of this tool')
  for (const e of f.experiments)
    if (e.indices.length !== e.results.length)
      throw new UsageError(`${path}: ${e.id}: ${e.indices.length} task indices but ${e.results.length} results`)
  return f
}

/** The shard files named: a file as it is, a directory's `shard-K-of-N.json` files. */
export function shardPaths(args: readonly string[]): string[] {
  const out: string[] = []
  for (const a of args) {
    let isDir: boolean
    try {
      isDir = statSync(a).isDirectory()
    } catch {
      throw new UsageError(`${a}: no such shard file or directory`)
    }
    if (!isDir) out.push(a)
    else {
      const found = readdirSync(a)
        .filter((n) => SHARD_FILE.test(n))
        .sort()
        .map((n) => join(a, n))
      if (found.length === 0)
        throw new UsageError(`${a}: holds no shard-K-of-N.json file (run with --shard K/N --out ${a})`)
      out.push(...found)
    }
  }
  return out
}

/**
 * Checks that the files are every shard of one run, each once; returns them in shard order.
 * Mixed runs, a missing or repeated shard: one line saying which.
 */
export function checkShardSet<F extends {run: object; shard: Shard}>(files: readonly {path: string; file: F}[]): F[] {
  if (files.length === 0) throw new UsageError('no shard files given (bench merge DIR... --out DIR)')
  const first = files[0]
  const key = JSON.stringify(first.file.run)
  const count = first.file.shard.count
  for (const f of files) {
    if (JSON.stringify(f.file.run) !== key)
      throw new UsageError(
        `${f.path}: from another run than ${first.path} (${differingField(first.file.run, f.file.run)} differs)`,
      )
    if (f.file.shard.count !== count)
      throw new UsageError(`${f.path}: shard of ${f.file.shard.count}, but ${first.path} is a shard of ${count}`)
  }
  const byIndex = new Map<number, string>()
  for (const f of files) {
    const seen = byIndex.get(f.file.shard.index)
    if (seen) throw new UsageError(`shard ${f.file.shard.index}/${count} given twice: ${seen} and ${f.path}`)
    byIndex.set(f.file.shard.index, f.path)
  }
  const missing = Array.from({length: count}, (_, i) => i + 1).filter((i) => !byIndex.has(i))
  if (missing.length > 0) throw new UsageError(`missing shard ${missing.map((i) => `${i}/${count}`).join(', ')}`)
  return [...files].sort((a, b) => a.file.shard.index - b.file.shard.index).map((f) => f.file)
}

function differingField(a: object, b: object): string {
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const k = Object.keys({...x, ...y}).find((key) => JSON.stringify(x[key]) !== JSON.stringify(y[key]))
  return k ?? 'run'
}

/** The run's profile again, as the shards had it (same file, same --set): its hash must agree. */
export function shardProfile(run: {config: string; sets: string[]; profileHash: string}): LoadedProfile {
  const profile = loadProfile({config: resolve(PACKAGE_ROOT, run.config), set: run.sets})
  if (profile.hash !== run.profileHash)
    throw new UsageError(
      `${run.config}: the profile's hash is ${profile.hash}, the shards ran with ${run.profileHash} (merge with the profile file the shards used)`,
    )
  return profile
}
