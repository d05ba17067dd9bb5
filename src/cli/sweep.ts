/**
 * `bench run --sweep key=v1,v2,...` (or `key=lo:hi:steps`): one profile constant as an extra axis,
 * like hyperfine's --parameter-scan. Each value is a `--set` of the run's profile; the experiments
 * run once per value with the same seeds (so a difference is the constant's), and every row carries
 * the value in a column named by the key.
 */
import {loadProfile, type LoadedProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import {runExperiments, type ExperimentRun, type RunOptions} from '../experiments/runner.js'
import {sumEngineStats} from '../experiments/rows.js'
import type {ExperimentDef} from '../experiments/types.js'

export interface Sweep {
  key: string
  values: number[]
}

export const MAX_SWEEP_VALUES = 100

/** Parses and checks the sweep: a key of the profile, numbers, each value a valid profile. */
export function parseSweep(raw: string | undefined, base: LoadedProfile): Sweep | undefined {
  if (raw === undefined) return undefined
  const m = /^([\w.+-]+)=(.+)$/.exec(raw.trim())
  if (!m)
    throw new UsageError(
      `--sweep: expected key=v1,v2,... or key=lo:hi:steps (e.g. cpu.syscallEntry=40,53,80), got '${raw}'`,
    )
  const [, key, list] = m
  const values = list.includes(':') ? span(list, raw) : list.split(',').map((s) => number(s, raw))
  if (values.length < 2 || values.length > MAX_SWEEP_VALUES)
    throw new UsageError(`--sweep: ${values.length} values (expected 2 to ${MAX_SWEEP_VALUES})`)
  if (new Set(values).size !== values.length) throw new UsageError(`--sweep: a value is given twice in '${raw}'`)
  for (const v of values) profileAt(base, key, v) // one line naming the key and value when one is not a valid profile
  return {key, values}
}

function number(s: string, raw: string): number {
  const n = Number(s.trim())
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--sweep: '${s}' in '${raw}' is not a number`)
  return n
}

/** `lo:hi:steps`: steps evenly spaced values from lo to hi, both included. */
function span(list: string, raw: string): number[] {
  const parts = list.split(':')
  if (parts.length !== 3) throw new UsageError(`--sweep: expected lo:hi:steps, got '${list}'`)
  const [lo, hi, steps] = parts.map((p) => number(p, raw))
  if (!(Number.isInteger(steps) && steps >= 2 && steps <= MAX_SWEEP_VALUES))
    throw new UsageError(`--sweep: steps '${parts[2]}' (expected an integer from 2 to ${MAX_SWEEP_VALUES})`)
  return Array.from({length: steps}, (_, i) => Number((lo + ((hi - lo) * i) / (steps - 1)).toPrecision(12)))
}

export function profileAt(base: LoadedProfile, key: string, value: number): LoadedProfile {
  try {
    return loadProfile({config: base.path, set: [...base.sets, `${key}=${value}`]})
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`--sweep: ${e.message.split('\n')[0]}`)
    throw e
  }
}

/** The experiments at every value of the sweep, joined into one run per experiment (the value as an axis). */
export async function runSweep(
  defs: readonly ExperimentDef[],
  options: RunOptions,
  sweep: Sweep,
): Promise<ExperimentRun[]> {
  const perValue: ExperimentRun[][] = []
  for (const v of sweep.values)
    perValue.push(await runExperiments(defs, {...options, profile: profileAt(options.profile, sweep.key, v)}))
  return defs.map((_, k) =>
    joinSwept(
      perValue.map((runs) => runs[k]),
      sweep,
      options.profile,
    ),
  )
}

function joinSwept(runs: readonly ExperimentRun[], sweep: Sweep, base: LoadedProfile): ExperimentRun {
  const at = (i: number) => ({[sweep.key]: sweep.values[i]})
  const first = runs[0]
  return {
    ...first,
    rows: runs.flatMap((r, i) => r.rows.map((row) => ({...row, params: {...row.params, ...at(i)}}))),
    points: runs.flatMap((r, i) => r.points.map((p) => ({...p, ...at(i)}))),
    counters: runs.flatMap((r, i) => (r.counters ?? []).map((c) => ({...c, params: {...c.params, ...at(i)}}))),
    engine: sumEngineStats(runs.map((r) => r.engine)),
    notes: [
      `swept ${sweep.key} over ${sweep.values.join(', ')} (each a --set of the profile)`,
      ...runs.flatMap((r) => r.notes),
    ],
    wallSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0),
    runProfile: base,
    profile: first.experiment.profileFor?.(base) ?? base,
  }
}

/** How the sweep reads among the --set overrides of the meta file. */
export const sweptSet = (s: Sweep) => `${s.key}=${s.values.join(',')} (swept: one run per value)`
