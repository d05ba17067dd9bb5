/**
 * Reading our own CSV back into rows, so charts and the baseline comparison work from the files
 * alone (anyone holding a CSV can re-plot or re-compare). Numbers were written in their shortest
 * round-trip form, so parsing them gives back the exact doubles.
 */
import {UsageError} from '../errors.js'
import {FIXED_COLUMNS, PROVENANCE_COLUMNS} from './columns.js'
import {SYSTEM_IDS, type ParamValue, type ResultRow, type SystemId} from '../experiments/types.js'

/**
 * RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. A trailing newline ends the last record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  const endField = () => {
    record.push(field)
    field = ''
  }
  while (i < text.length) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (ch === '"') quoted = false
      else field += ch
      i++
      continue
    }
    if (ch === '"') quoted = true
    else if (ch === ',') endField()
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endField()
      records.push(record)
      record = []
    } else field += ch
    i++
  }
  if (field !== '' || record.length > 0) {
    endField()
    records.push(record)
  }
  return records
}

/**
 * Columns a CSV written before replicates lacks (read as one replicate with no interval), and the
 * provenance columns a CSV written before them lacks (read as unknown: the row has no profileHash).
 */
const LATER = new Set([
  'ci95_low',
  'ci95_high',
  'replicates',
  'ratio_ci95_low',
  'ratio_ci95_high',
  'samples',
  ...PROVENANCE_COLUMNS,
])
const REQUIRED = FIXED_COLUMNS.filter((c) => !LATER.has(c))

/** A param cell back to the value the experiment swept: numbers as numbers, anything else as text. */
export function paramValue(cell: string): ParamValue {
  const n = Number(cell)
  return cell !== '' && Number.isFinite(n) && String(n) === cell ? n : cell
}

/**
 * Result rows from a CSV written by `toCsv`. `source` names the file in messages. Every problem is a
 * UsageError naming the file, line and column.
 */
export function readResultCsv(text: string, source: string): ResultRow[] {
  const records = parseCsv(text)
  if (records.length === 0) throw new UsageError(`${source}: empty file (expected a CSV header line)`)
  const header = records[0]
  for (const col of REQUIRED) {
    if (!header.includes(col))
      throw new UsageError(`${source}: no '${col}' column in the header (found: ${header.join(',')})`)
  }
  const at = (name: string) => header.indexOf(name)
  const params = header.filter((h) => h.startsWith('param_'))
  const hasProvenance = PROVENANCE_COLUMNS.every((c) => header.includes(c))
  return records.slice(1).map((rec, i) => {
    const line = i + 2
    if (rec.length !== header.length)
      throw new UsageError(`${source}:${line}: ${rec.length} fields, expected ${header.length}`)
    const cell = (name: string) => (at(name) < 0 ? '' : rec[at(name)])
    const num = (name: string, optional: boolean): number | null => {
      const c = cell(name)
      if (c === '' && optional) return null
      const n = Number(c)
      if (c === '' || !Number.isFinite(n))
        throw new UsageError(`${source}:${line}: ${name} '${c}' is not a finite number`)
      return n
    }
    const system = cell('system')
    if (!(SYSTEM_IDS as readonly string[]).includes(system)) {
      throw new UsageError(`${source}:${line}: unknown system '${system}' (expected one of ${SYSTEM_IDS.join(', ')})`)
    }
    const better = cell('better')
    if (better !== 'higher' && better !== 'lower')
      throw new UsageError(`${source}:${line}: better '${better}' (expected higher or lower)`)
    const point: Record<string, ParamValue> = {}
    // An empty param cell is an axis this row's experiment lacks (several experiments in one CSV).
    for (const p of params) if (cell(p) !== '') point[p.slice('param_'.length)] = paramValue(cell(p))
    const value = num('value', false)!
    const ratioVsNative = num('ratio_vs_native', true)
    return {
      experiment: cell('experiment'),
      system: system as SystemId,
      params: point,
      metric: cell('metric'),
      value,
      ci95Low: num('ci95_low', true) ?? value,
      ci95High: num('ci95_high', true) ?? value,
      replicates: num('replicates', true) ?? 1,
      unit: cell('unit'),
      better,
      nativeValue: num('native_value', true),
      ratioVsNative,
      ratioCi95Low: num('ratio_ci95_low', true) ?? ratioVsNative,
      ratioCi95High: num('ratio_ci95_high', true) ?? ratioVsNative,
      samples: num('samples', true),
      seed: num('seed', false)!,
      profile: cell('profile'),
      ...(hasProvenance ? {profileHash: cell('profile_hash'), overrides: cell('overrides')} : {}),
    }
  })
}
