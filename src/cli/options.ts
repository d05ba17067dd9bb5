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

/** Default: one job per core. */
export function parseJobs(raw: string | undefined): number {
  if (raw === undefined) return availableParallelism()
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--jobs: '${raw}' is not a job count (expected an integer >= 1)`)
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
  if (bad !== undefined) throw new UsageError(`unknown flag '${bad}' (accepted: ${accepted.map((f) => `--${f}`).join(', ')})`)
}

export const DEFAULT_TOLERANCE = 0.02

/** `--tolerance`: the relative change a metric may move without failing the gate (0.02 = 2%). */
export function parseTolerance(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TOLERANCE
  const n = /^\d*\.?\d+(e-?\d+)?$/i.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--tolerance: '${raw}' is not a tolerance (expected a relative change >= 0, e.g. 0.02 for 2%)`)
  return n
}
