/**
 * CSV: one header, one line per row. Numbers are written in JavaScript's shortest round-trip form
 * (String(n)): full precision, nothing rounded, and the same bytes for the same values every time.
 */
import {stringify} from 'csv-stringify/sync'
import type {ResultRow} from '../experiments/types.js'
import {columns, flatten, paramColumns, type FlatValue} from './columns.js'

/** Rows of one or several experiments; param columns are the union, in order of first appearance. */
export function toCsv(rows: readonly ResultRow[]): string {
  const params = paramColumns(rows)
  const header = columns(params)
  const records = rows.map((r) => {
    const flat = flatten(r, params)
    return header.map((c) => formatCell(flat[c]))
  })
  return stringify([header, ...records], {record_delimiter: 'unix'})
}

export function formatCell(v: FlatValue): string {
  if (v === null) return ''
  return typeof v === 'number' ? String(v) : v
}
