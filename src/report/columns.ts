/** The flat record shared by the CSV and JSON outputs: one object per row, columns in file order. */
import type {ResultRow} from '../experiments/types.js'

export type FlatValue = string | number | null
export type FlatRow = Record<string, FlatValue>

/** Param column names of these rows, in order of first appearance (an experiment's axis order). */
export function paramColumns(rows: readonly ResultRow[]): string[] {
  const names = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r.params)) names.add(k)
  return [...names].map((n) => `param_${n}`)
}

/** The columns before the param columns, and those after them. */
const LEAD = ['experiment', 'system'] as const
const TAIL = [
  'metric',
  'value',
  'ci95_low',
  'ci95_high',
  'replicates',
  'unit',
  'better',
  'native_value',
  'ratio_vs_native',
  'ratio_ci95_low',
  'ratio_ci95_high',
  'samples',
  'seed',
  'profile',
  'profile_hash',
  'overrides',
] as const
/**
 * Provenance, not measurement: what produced a row (the resolved profile's hash, the overrides on
 * it). Comparisons never match rows on them nor treat them as figures.
 */
export const PROVENANCE_COLUMNS = ['profile_hash', 'overrides'] as const
/** Every column a result CSV has whatever its experiment's axes. */
export const FIXED_COLUMNS: readonly string[] = [...LEAD, ...TAIL]

export function columns(params: readonly string[]): string[] {
  return [...LEAD, ...params, ...TAIL]
}

/** A row with every column present (a param the row's experiment lacks is null). */
export function flatten(row: ResultRow, params: readonly string[]): FlatRow {
  const out: FlatRow = {experiment: row.experiment, system: row.system}
  for (const col of params) out[col] = row.params[col.slice('param_'.length)] ?? null
  Object.assign(out, {
    metric: row.metric,
    value: row.value,
    ci95_low: row.ci95Low,
    ci95_high: row.ci95High,
    replicates: row.replicates,
    unit: row.unit,
    better: row.better,
    native_value: row.nativeValue,
    ratio_vs_native: row.ratioVsNative,
    ratio_ci95_low: row.ratioCi95Low,
    ratio_ci95_high: row.ratioCi95High,
    samples: row.samples,
    seed: row.seed,
    profile: row.profile,
    // absent only in rows read from a file written before these columns: unknown, so empty
    profile_hash: row.profileHash ?? null,
    overrides: row.overrides ?? null,
  })
  return out
}
