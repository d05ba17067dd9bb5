/**
 * Published points beside the model: each reference point of an experiment matched to the row it
 * stands for, with what the model says there and the error. One function for every view (the
 * charts' published series, REPORT.md's table, the HTML report), so they never disagree. Pure: it
 * reads rows (e.g. back from a CSV) and the experiment's references, nothing else.
 */
import {referenceGap, type ReferenceGap} from '../experiments/claims.js'
import type {ExperimentDef, ReferencePoint, ResultRow} from '../experiments/types.js'

/** What the model says at a published point: the row's mean (or ratio to native) and its 95% interval. */
export interface ModelSide {
  value: number
  low: number
  high: number
}

export interface PublishedComparison {
  ref: ReferencePoint
  /** The row at the point (same system, metric and axis values), or null when the run did not sweep it. */
  row: ResultRow | null
  /** null when there is no row, or the reference compares against native and the run has none. */
  model: ModelSide | null
  gap: ReferenceGap | null
}

/** Whether the row is at the reference's point: every axis the reference names has its value. */
export function atPoint(row: ResultRow, ref: ReferencePoint): boolean {
  return (
    row.system === ref.system &&
    row.metric === ref.metric &&
    Object.entries(ref.point).every(([k, v]) => row.params[k] === v)
  )
}

/** The model's number the reference is compared with: the mean, or the ratio to native for `of: ratio_vs_native`. */
export function modelSide(row: ResultRow, ref: Pick<ReferencePoint, 'of'>): ModelSide | null {
  if (ref.of !== 'ratio_vs_native') return {value: row.value, low: row.ci95Low, high: row.ci95High}
  if (row.ratioVsNative === null) return null
  return {
    value: row.ratioVsNative,
    low: row.ratioCi95Low ?? row.ratioVsNative,
    high: row.ratioCi95High ?? row.ratioVsNative,
  }
}

/** Every published point of the experiment, in file order, beside the model's rows. */
export function comparePublished(def: ExperimentDef, rows: readonly ResultRow[]): PublishedComparison[] {
  return (def.reference ?? []).map((ref) => {
    const row = rows.find((r) => atPoint(r, ref)) ?? null
    const model = row ? modelSide(row, ref) : null
    const gap = model ? referenceGap(model.value, ref, ref.of === 'ratio_vs_native' ? 'ratio' : row!.unit) : null
    return {ref, row, model, gap}
  })
}

/** The name of the derived metric a ratio-to-native reference is charted on: `<metric>_vs_native`. */
export const vsNative = (metric: string) => `${metric}_vs_native`

/**
 * The rows of `metric` as ratios to native (non-native systems with a ratio), renamed
 * `<metric>_vs_native`: the y axis of a plot that publishes "system / native".
 */
export function ratioRows(rows: readonly ResultRow[], metric: string): ResultRow[] {
  return rows
    .filter((r) => r.metric === metric && r.system !== 'native' && r.ratioVsNative !== null)
    .map((r) => ({
      ...r,
      metric: vsNative(metric),
      value: r.ratioVsNative!,
      ci95Low: r.ratioCi95Low ?? r.ratioVsNative!,
      ci95High: r.ratioCi95High ?? r.ratioVsNative!,
      unit: 'ratio',
      nativeValue: null,
      ratioVsNative: null,
      ratioCi95Low: null,
      ratioCi95High: null,
    }))
}

/**
 * The references as they are drawn: a ratio-to-native reference moves to its derived metric
 * (`<metric>_vs_native`, compared with the value there); the others stay as they are.
 */
export function chartedReferences(def: ExperimentDef): ReferencePoint[] {
  return (def.reference ?? []).map((r) => {
    if (r.of !== 'ratio_vs_native') return r
    const {of: _of, ...rest} = r
    return {...rest, metric: vsNative(r.metric)}
  })
}
