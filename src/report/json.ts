/** JSON output: the CSV's records as objects (same keys, numbers as numbers, empty cells as null). */
import type {ResultRow} from '../experiments/types.js'
import {flatten, paramColumns, type FlatRow} from './columns.js'

export function toJsonRows(rows: readonly ResultRow[]): FlatRow[] {
  const params = paramColumns(rows)
  return rows.map((r) => flatten(r, params))
}

export function toJson(rows: readonly ResultRow[]): string {
  return JSON.stringify(toJsonRows(rows), null, 2) + '\n'
}
