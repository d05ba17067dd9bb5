/**
 * The committed baseline of `bench compare`: `baseline.json` (the run's seed, profile and its hash,
 * the experiments it covers) beside `<id>.csv` and `<id>.meta.json` per experiment, the same files
 * `bench paper` writes. Reading checks everything and names the file and field of any problem.
 */
import {existsSync, readFileSync, rmSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {z} from 'zod'
import {PACKAGE_ROOT} from '../config/load.js'
import type {LoadedProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import type {ExperimentRun} from '../experiments/runner.js'
import type {ResultRow} from '../experiments/types.js'
import {writeOutputFiles, type OutputFile} from './atomic.js'
import {readResultCsv} from './csvread.js'
import {resultFiles} from './files.js'
import {portablePath, toolInfo} from './meta.js'

export const MANIFEST = 'baseline.json'

const manifestSchema = z.object({
  format: z.literal(1),
  tool: z.object({name: z.string(), version: z.string(), gitRevision: z.string().nullable()}),
  profile: z.object({name: z.string(), path: z.string(), hash: z.string().regex(/^[0-9a-f]+$/)}),
  seed: z.number().int().nonnegative(),
  /** Replicate seeds per point of a random experiment; absent in baselines made before replicates (1). */
  replicates: z.number().int().positive().optional(),
  mode: z.literal('quick'),
  experiments: z.array(z.string().regex(/^[\w.-]+$/)),
})
export type BaselineManifest = z.infer<typeof manifestSchema>

export interface Baseline {
  dir: string
  manifest: BaselineManifest
  /** Rows per experiment id, in file order. */
  rows: Map<string, ResultRow[]>
}

export function manifestProfilePath(m: BaselineManifest): string {
  return resolve(PACKAGE_ROOT, m.profile.path)
}

const remake = (dir: string) => `make one with \`virtuos bench compare --baseline ${dir} --update\``

/** The manifest alone (for --update, which may start from nothing). Undefined when there is no manifest. */
export function readManifest(dir: string): BaselineManifest | undefined {
  const file = join(dir, MANIFEST)
  if (!existsSync(file)) return undefined
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new UsageError(
      `${file}: malformed baseline manifest (${(e as Error).message.split('\n')[0]}); ${remake(dir)}`,
    )
  }
  const parsed = manifestSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(
      `${file}: malformed baseline manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}; ${remake(dir)}`,
    )
  }
  return parsed.data
}

export function readBaseline(dir: string): Baseline {
  let isDir: boolean
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    throw new UsageError(`--baseline: '${dir}' does not exist (expected a baseline directory; ${remake(dir)})`)
  }
  if (!isDir) throw new UsageError(`--baseline: '${dir}' is not a directory (expected a baseline directory)`)
  const manifest = readManifest(dir)
  if (!manifest) throw new UsageError(`--baseline: no ${MANIFEST} in '${dir}' (not a baseline; ${remake(dir)})`)
  const rows = new Map<string, ResultRow[]>()
  for (const id of manifest.experiments) {
    const file = join(dir, `${id}.csv`)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      throw new UsageError(`${file}: missing (the manifest lists experiment '${id}'); ${remake(dir)}`)
    }
    const mine = readResultCsv(text, file)
    for (const [i, r] of mine.entries()) {
      const where = `${file}:${i + 2}`
      if (r.experiment !== id) throw new UsageError(`${where}: experiment '${r.experiment}', expected '${id}'`)
      if (r.seed !== manifest.seed)
        throw new UsageError(`${where}: seed ${r.seed}, but ${MANIFEST} says ${manifest.seed}`)
    }
    rows.set(id, mine)
  }
  return {dir, manifest, rows}
}

/**
 * The files of a baseline made of `runs`; `keep` names experiments whose files stay as they are
 * (what `--update --experiment id` leaves of the others).
 */
export function baselineFiles(
  dir: string,
  runs: readonly ExperimentRun[],
  profile: LoadedProfile,
  seed: number,
  keep: readonly string[] = [],
  replicates = 1,
): OutputFile[] {
  const ids = [...new Set([...keep, ...runs.map((r) => r.experiment.id)])]
  const manifest: BaselineManifest = {
    format: 1,
    tool: toolInfo(),
    profile: {name: profile.name, path: portablePath(profile.path), hash: profile.hash},
    seed,
    replicates,
    mode: 'quick',
    experiments: ids,
  }
  return [...resultFiles(dir, runs), {path: join(dir, MANIFEST), data: JSON.stringify(manifest, null, 2) + '\n'}]
}

/** Writes the baseline; removes the files of experiments the old manifest listed and the new one does not. */
export function writeBaseline(dir: string, files: readonly OutputFile[], dropped: readonly string[]): void {
  writeOutputFiles(files, '--baseline')
  for (const id of dropped) for (const ext of ['csv', 'meta.json']) rmSync(join(dir, `${id}.${ext}`), {force: true})
}
