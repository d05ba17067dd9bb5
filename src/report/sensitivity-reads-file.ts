/**
 * `DIR/sensitivity-reads.json`: what `bench sensitivity` learnt from its default run, kept for the
 * next plan (and `--dry-run`): per experiment its task count, host seconds, and the profile values
 * it read (config/read-tracking.ts). The reads hold for one profile, code, mode, seed and
 * replicate count (the same tasks); the host seconds serve any later estimate of the same mode.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {z} from 'zod'
import {PACKAGE_ROOT} from '../config/load.js'
import type {ExperimentRun} from '../experiments/runner.js'
import {taskCount} from '../experiments/sensitivity-prune.js'
import type {ExperimentDef} from '../experiments/types.js'
import {portablePath} from './meta.js'

export const READS_FILE = 'sensitivity-reads.json'
const FORMAT = 'virtuos-sensitivity-reads'

/** The tasks the reads are about: every field must match for them to prune a plan. */
export interface ReadsIdentity {
  profileHash: string
  /** task-cache.ts codeHash(): the compiled model and workload files. */
  code: string
  quick: boolean
  seed: number
  replicates: number
}

export interface ReadsEntry {
  id: string
  tasks: number
  hostSeconds: number
  reads: string[]
}

const schema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  identity: z.object({
    profileHash: z.string(),
    code: z.string(),
    quick: z.boolean(),
    seed: z.number(),
    replicates: z.number(),
  }),
  experiments: z.array(
    z.object({id: z.string(), tasks: z.number(), hostSeconds: z.number(), reads: z.array(z.string())}),
  ),
})
type ReadsFile = z.infer<typeof schema>

/** The file in `dir`; undefined when there is none or it is not one (a record only: the next run rewrites it). */
export function readReadsFile(dir: string): ReadsFile | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(join(dir, READS_FILE), 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

const sameIdentity = (a: ReadsIdentity, b: ReadsIdentity) =>
  a.profileHash === b.profileHash &&
  a.code === b.code &&
  a.quick === b.quick &&
  a.seed === b.seed &&
  a.replicates === b.replicates

/** The reads of each experiment recorded for exactly these tasks, undefined where none are. */
export function recordedReads(
  file: ReadsFile | undefined,
  identity: ReadsIdentity,
  defs: readonly ExperimentDef[],
): (string[] | undefined)[] {
  const ok = file !== undefined && sameIdentity(file.identity, identity)
  return defs.map((d) => (ok ? file.experiments.find((e) => e.id === d.id)?.reads : undefined))
}

/** The file after a default run: its experiments' entries, and the previous file's others if of the same tasks. */
export function readsFileText(identity: ReadsIdentity, runs: readonly ExperimentRun[], previous?: ReadsFile): string {
  const mine = runs.map((r) => ({
    id: r.experiment.id,
    tasks: r.engine.points,
    hostSeconds: r.engine.hostSeconds,
    reads: r.reads ?? [],
  }))
  const kept =
    previous && sameIdentity(previous.identity, identity)
      ? previous.experiments.filter((e) => !mine.some((m) => m.id === e.id))
      : []
  const file: ReadsFile = {format: FORMAT, version: 1, identity, experiments: [...kept, ...mine]}
  return `${JSON.stringify(file, null, 2)}\n`
}

/** Host seconds per task of each experiment, and where the number comes from (undefined: nowhere). */
export interface RecordedCost {
  perTask: (number | undefined)[]
  from: (string | undefined)[]
}

/**
 * The cost per task of each experiment in this mode: the reads file in `dir` (the last analysis's
 * default run), else `dir`'s meta file of it (the last run), else the package's committed baseline
 * (quick mode). A meta file's host seconds are its points' CPU time over its tasks.
 */
export function recordedCost(dir: string, defs: readonly ExperimentDef[], quick: boolean): RecordedCost {
  const file = readReadsFile(dir)
  const baseline = join(PACKAGE_ROOT, 'results', 'baseline')
  const perTask: (number | undefined)[] = []
  const from: (string | undefined)[] = []
  for (const d of defs) {
    const entry = file?.identity.quick === quick ? file.experiments.find((e) => e.id === d.id) : undefined
    let got: [number, string] | undefined =
      entry && entry.tasks > 0 ? [entry.hostSeconds / entry.tasks, portablePath(join(dir, READS_FILE))] : undefined
    got ??= metaCost(dir, d, quick) ?? (quick ? metaCost(baseline, d, quick) : undefined)
    perTask.push(got?.[0])
    from.push(got?.[1])
  }
  return {perTask, from}
}

function metaCost(dir: string, def: ExperimentDef, quick: boolean): [number, string] | undefined {
  const path = join(dir, `${def.id}.meta.json`)
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as {
      mode?: string
      replicates?: number
      systems?: string[]
      engine?: {hostSeconds?: number; points?: number}
    }
    if (m.mode !== (quick ? 'quick' : 'full')) return undefined
    const tasks = m.engine?.points ?? taskCount(def, quick, m.replicates ?? 1)
    const seconds = m.engine?.hostSeconds
    return typeof seconds === 'number' && tasks > 0 ? [seconds / tasks, portablePath(path)] : undefined
  } catch {
    return undefined
  }
}
