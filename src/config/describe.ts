/** A profile's constants as flat rows, in declaration order: what `config show` prints. */
import {constantAt} from './load.js'
import type {Constant, Profile} from './schema.js'
import {allConstantPaths} from './spec.js'

export interface ConstantRow {
  path: string
  value: number | boolean | string
  unit: string
  source: string
  estimate: boolean
  /** The published point the value was fitted to (absent when it was not fitted). */
  fitted?: string
  /** Recorded in the profile but not used by the model. */
  profileOnly: boolean
  /** An estimate's plausible range and why. */
  range?: [number, number]
  rangeSource?: string
}

export function listConstants(profile: Profile): ConstantRow[] {
  const rows: ConstantRow[] = []
  for (const {path, spec} of allConstantPaths()) {
    const c = constantAt(profile, path) as Constant<number | boolean | string> | undefined
    if (c === undefined) continue
    const flags = {estimate: c.estimate === true, profileOnly: spec.profileOnly === true}
    const fitted = c.fitted === undefined ? {} : {fitted: c.fitted}
    const range = c.range === undefined ? {} : {range: c.range as [number, number], rangeSource: c.rangeSource}
    rows.push({path: path.join('.'), value: c.value, unit: c.unit, source: c.source, ...flags, ...fitted, ...range})
  }
  return rows
}

/** A plain aligned table: key, value, unit, estimate/fitted marker, source (fitted: the point) cut to `sourceWidth`. */
export function renderConstants(rows: readonly ConstantRow[], sourceWidth = 70): string {
  const marker = (r: ConstantRow) =>
    [r.estimate ? 'est' : r.profileOnly ? 'doc' : '', r.fitted ? 'fit' : ''].filter(Boolean).join(',')
  const text = (r: ConstantRow) => (r.fitted ? `fitted to: ${r.fitted}; ${r.source}` : r.source)
  const cells = rows.map((r) => [r.path, String(r.value), r.unit, marker(r), cut(text(r), sourceWidth)])
  const header = ['key', 'value', 'unit', '', 'source']
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const cell = (x: string, i: number, n: number) =>
    i === 1 ? x.padStart(widths[i]) : i === n - 1 ? x : x.padEnd(widths[i])
  const line = (c: string[]) => c.map((x, i) => cell(x, i, c.length)).join('  ')
  return [line(header), ...cells.map(line)].join('\n') + '\n'
}

function cut(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`
}
