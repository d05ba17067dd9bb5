/**
 * A result folder read back: the `<id>.csv` + `<id>.meta.json` pairs that `bench run --out`,
 * `bench paper` and the baseline write. `bench diff` compares the rows of two folders; `bench report`
 * and `bench paper --experiment` rebuild runs from them to redraw charts and REPORT.md without
 * re-running anything. Every problem is one UsageError naming the file.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {z} from 'zod'
import {loadProfile, type LoadedProfile} from '../config/index.js'
import {PACKAGE_ROOT} from '../config/load.js'
import {UsageError} from '../errors.js'
import {pointKey} from '../experiments/points.js'
import {findExperiment} from '../experiments/registry.js'
import type {ExperimentRun} from '../experiments/runner.js'
import type {BreakdownRow, Point, ResultRow, SystemId} from '../experiments/types.js'
import {breakdownFile, readBreakdownCsv} from './breakdown.js'
import {readResultCsv} from './csvread.js'
import {DESIGN_SPACE_FILE} from './design-space.js'
import {countersFile, readCountersCsv} from './counters.js'
import type {CounterRow} from '../experiments/counter-metrics.js'

/** `bench run --counters --out DIR` writes `<id>.counters.csv` beside `<id>.csv`: not an experiment's rows. */
const COUNTERS_SUFFIX = '.counters.csv'

/** The experiment ids with a `<id>.csv` in DIR, sorted (not `design-space.csv`: a summary, no experiment's rows). */
export function csvIds(dir: string, flag: string): string[] {
  let names: string[]
  try {
    if (!statSync(dir).isDirectory())
      throw new UsageError(`${flag}: '${dir}' is not a directory (expected a result folder with <id>.csv files)`)
    names = readdirSync(dir)
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError(`${flag}: '${dir}' does not exist (expected a result folder with <id>.csv files)`)
  }
  return names
    .filter((n) => n.endsWith('.csv') && !n.endsWith(COUNTERS_SUFFIX) && !n.startsWith('.') && n !== DESIGN_SPACE_FILE)
    .map((n) => n.slice(0, -'.csv'.length))
    .sort()
}

/** The rows of DIR/<id>.csv, checked to be that experiment's. */
export function readRows(dir: string, id: string): ResultRow[] {
  const file = join(dir, `${id}.csv`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  const rows = readResultCsv(text, file)
  const other = rows.findIndex((r) => r.experiment !== id)
  if (other >= 0)
    throw new UsageError(
      `${file}:${other + 2}: experiment '${rows[other].experiment}', expected '${id}' (the file's name)`,
    )
  return rows
}

const profileRef = z.object({
  name: z.string(),
  path: z.string(),
  hash: z.string(),
  overrides: z.array(z.string()).optional(),
})
const metaSchema = z.object({
  experiment: z.object({id: z.string()}),
  profile: profileRef,
  runProfile: profileRef.optional(),
  seed: z.number().int().nonnegative(),
  mode: z.enum(['quick', 'full']),
  replicates: z.number().int().positive().optional(),
  systems: z.array(z.string()),
  jobs: z.number().int().positive(),
  wallSeconds: z.number().nonnegative(),
  engine: z.object({
    points: z.number(),
    events: z.number(),
    simulatedCycles: z.number(),
    hostSeconds: z.number(),
    eventsPerSecond: z.number(),
    simulatedSecondsPerHostSecond: z.number().nullable().optional(),
  }),
  notes: z.array(z.string()),
})
type Meta = z.infer<typeof metaSchema>

function readMeta(dir: string, id: string): Meta {
  const file = join(dir, `${id}.meta.json`)
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    throw new UsageError(
      `${file}: ${err.code === 'ENOENT' ? 'missing (the report needs the meta file beside each CSV: profile, seed, engine statistics)' : `unreadable (${err.message.split('\n')[0]})`}`,
    )
  }
  const parsed = metaSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`${file}: malformed meta file: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  if (parsed.data.experiment.id !== id)
    throw new UsageError(`${file}: experiment.id '${parsed.data.experiment.id}', expected '${id}'`)
  return parsed.data
}

/**
 * The profile a meta file names, loaded again (with its overrides); `warn` is told when it no longer hashes the same.
 */
function profileOf(
  ref: z.infer<typeof profileRef>,
  overrides: readonly string[],
  where: string,
  warn: (line: string) => void,
): LoadedProfile {
  const path = resolve(PACKAGE_ROOT, ref.path)
  const p = loadProfile({config: path, set: [...overrides]})
  if (p.hash !== ref.hash)
    warn(
      `${where}: profile ${ref.path} now hashes to ${p.hash}, not ${ref.hash} as when the numbers were made: the report lists its constants as they are now`,
    )
  return p
}

/**
 * An ExperimentRun rebuilt from DIR/<id>.csv and DIR/<id>.meta.json, for the report: rows from the
 * CSV (so the report shows exactly what the file holds), the rest from the meta file.
 */
export function loadRun(dir: string, id: string, warn: (line: string) => void = () => {}): ExperimentRun {
  const def = findExperiment(id)
  if (!def)
    throw new UsageError(
      `${join(dir, `${id}.csv`)}: experiment '${id}' is not registered (the report needs its definition)`,
    )
  const rows = readRows(dir, id)
  const meta = readMeta(dir, id)
  const overrides = meta.profile.overrides ?? []
  const where = join(dir, `${id}.meta.json`)
  const profile = profileOf(meta.profile, overrides, where, warn)
  const runProfile = meta.runProfile ? profileOf(meta.runProfile, overrides, where, warn) : profile
  const points: Point[] = []
  const seen = new Set<string>()
  for (const r of rows) {
    const k = pointKey(r.params)
    if (!seen.has(k)) {
      seen.add(k)
      points.push(r.params)
    }
  }
  const e = meta.engine
  return {
    experiment: def,
    systems: meta.systems as SystemId[],
    points,
    replicates: meta.replicates ?? 1,
    rows,
    ...readCounters(dir, id),
    engine: {...e, simulatedSecondsPerHostSecond: e.simulatedSecondsPerHostSecond ?? null},
    notes: meta.notes,
    seed: meta.seed,
    quick: meta.mode === 'quick',
    profile,
    runProfile,
    jobs: meta.jobs,
    wallSeconds: meta.wallSeconds,
    ...readBreakdown(dir, id),
  }
}

/** DIR/<id>.counters.csv read back, when the folder has one (bench paper, bench run --counters --out). */
function readCounters(dir: string, id: string): {counters?: CounterRow[]} {
  const file = join(dir, countersFile(id))
  const text = readIfThere(file)
  return text === null ? {} : {counters: readCountersCsv(text, file)}
}

/** DIR/<id>.breakdown.csv when the run wrote one (--breakdown). */
function readBreakdown(dir: string, id: string): {breakdown?: BreakdownRow[]} {
  const file = join(dir, breakdownFile(id))
  const text = readIfThere(file)
  return text === null ? {} : {breakdown: readBreakdownCsv(text, file)}
}

/** A file's text, or null when it is not there. */
function readIfThere(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/** The `--set` strings a run in DIR was made with (from its meta file), for the report's profile section. */
export function overridesOf(dir: string, id: string): string[] {
  return readMeta(dir, id).profile.overrides ?? []
}
