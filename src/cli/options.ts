/**
 * Validation of the shared flags' raw strings, one function per flag, each throwing UsageError
 * with the flag, what was given, and what is accepted. Kept free of oclif so it is unit-testable.
 */
import {availableParallelism} from 'node:os'
import {UsageError} from '../errors.js'

export const FORMATS = ['table', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

export const DEFAULT_SEED = 1

export function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SEED
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`--seed: '${raw}' is not a seed (expected an integer from 0 to ${Number.MAX_SAFE_INTEGER})`)
  }
  return n
}

/** Replicate seeds per point when --replicates is not given: quick keeps CI short, full narrows the intervals. */
export const DEFAULT_REPLICATES = {quick: 3, full: 5} as const
export const MAX_REPLICATES = 100

export function parseReplicates(raw: string | undefined, quick: boolean): number {
  if (raw === undefined) return quick ? DEFAULT_REPLICATES.quick : DEFAULT_REPLICATES.full
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_REPLICATES) {
    throw new UsageError(
      `--replicates: '${raw}' is not a replicate count (expected an integer from 1 to ${MAX_REPLICATES}; 2 or more give an interval)`,
    )
  }
  return n
}

/** More worker threads than this is a typo, not a plan (each takes tens of MB; the machine's cores are shared). */
export const MAX_JOBS = 256

/** Default: one job per core. */
export function parseJobs(raw: string | undefined): number {
  if (raw === undefined) return availableParallelism()
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_JOBS) {
    throw new UsageError(
      `--jobs: '${raw}' is not a job count (expected an integer from 1 to ${MAX_JOBS}; this machine has ${availableParallelism()} cores)`,
    )
  }
  return n
}

export function parseFormat(raw: string | undefined): Format {
  if (raw === undefined) return 'table'
  if (!(FORMATS as readonly string[]).includes(raw)) {
    throw new UsageError(`--format: unknown format '${raw}' (accepted: ${FORMATS.join(', ')})`)
  }
  return raw as Format
}

/**
 * `--set key=value`: only the shape is checked here (a dotted key, '=', a value); whether the key
 * exists and the value fits is the profile loader's call.
 */
export function checkSets(raw: readonly string[] | undefined): string[] {
  const sets = [...(raw ?? [])]
  for (const s of sets) {
    // Keys may hold '+' (footprint rows such as open+close); the loader knows which exist.
    if (!/^[^=\s]+=\S.*$/.test(s)) {
      throw new UsageError(`--set: '${s}' is malformed (expected key=value, e.g. --set cpu.syscallEntry=80)`)
    }
  }
  return sets
}

/**
 * Arguments oclif left unparsed in a non-strict command (variadic ids) that look like flags are
 * unknown flags: reject them rather than treat them as experiment ids.
 */
export function rejectFlagLikeArgs(argv: readonly string[], accepted: readonly string[]): void {
  const bad = argv.find((a) => a.startsWith('-'))
  if (bad !== undefined)
    throw new UsageError(`unknown flag '${bad}' (accepted: ${accepted.map((f) => `--${f}`).join(', ')})`)
}

export const DEFAULT_TOLERANCE = 0.02

const NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** A relative tolerance: `2%` or `0.02`. Undefined when `raw` is not one. */
function relative(raw: string): number | undefined {
  const t = raw.trim()
  const percent = t.endsWith('%')
  const body = percent ? t.slice(0, -1).trim() : t
  if (!NUMBER.test(body)) return undefined
  const n = Number(body) / (percent ? 100 : 1)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** `--tolerance`: the relative change a metric may move without failing the gate (`2%` or 0.02). */
export function parseTolerance(raw: string | undefined, flag = '--tolerance'): number {
  if (raw === undefined) return DEFAULT_TOLERANCE
  const n = relative(raw)
  if (n === undefined)
    throw new UsageError(`${flag}: '${raw}' is not a tolerance (expected a relative change >= 0, e.g. 2% or 0.02)`)
  return n
}

/** `--abs-tolerance`: the absolute change (in the metric's unit) a metric may move; default 0. */
export function parseAbsTolerance(raw: string | undefined, flag = '--abs-tolerance'): number {
  if (raw === undefined) return 0
  const t = raw.trim()
  const n = NUMBER.test(t) ? Number(t) : NaN
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(
      `${flag}: '${raw}' is not an absolute tolerance (expected a number >= 0 in the metric's unit, e.g. 0.5)`,
    )
  return n
}

/**
 * `--metric-tolerance metric=5%` / `--metric-abs-tolerance metric=3` (repeatable): per-metric
 * overrides. Metric names are checked against `known` (the metrics being compared) when given.
 */
export function parseMetricTolerances(
  rel: readonly string[] | undefined,
  abs: readonly string[] | undefined,
  known?: ReadonlySet<string>,
): Record<string, {relative?: number; absolute?: number}> {
  const out: Record<string, {relative?: number; absolute?: number}> = {}
  const each = (list: readonly string[] | undefined, flag: string, field: 'relative' | 'absolute', example: string) => {
    for (const item of list ?? []) {
      const eq = item.indexOf('=')
      const name = eq > 0 ? item.slice(0, eq).trim() : ''
      if (!name)
        throw new UsageError(`${flag}: '${item}' is malformed (expected metric=value, e.g. ${flag} ${example})`)
      if (known && !known.has(name))
        throw new UsageError(`${flag}: unknown metric '${name}' (metrics compared: ${[...known].sort().join(', ')})`)
      const value =
        field === 'relative' ? parseTolerance(item.slice(eq + 1), flag) : parseAbsTolerance(item.slice(eq + 1), flag)
      out[name] = {...out[name], [field]: value}
    }
  }
  each(rel, '--metric-tolerance', 'relative', 'latency_ns=5%')
  each(abs, '--metric-abs-tolerance', 'absolute', 'latency_ns=3')
  return out
}

/** A repeatable comma-list flag (`--experiment a,b --experiment c`) as its items; undefined when not given. */
export function commaList(raw: readonly string[] | undefined): string[] | undefined {
  return raw
    ?.flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
}
