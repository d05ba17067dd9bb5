/**
 * How a result row names the overrides that produced it: the `--set` (and `--sweep`, sensitivity)
 * assignments of its profile in one canonical text, so two runs of the same profile write the same
 * bytes however their flags were ordered or repeated.
 */
import {parseAssignment} from './overrides.js'

/**
 * `key=value;key=value`, sorted by key, each key once (the last assignment of a key is the one in
 * force), '' for none. A value is written as given (trimmed); a `;` or `\` in it is escaped with `\`.
 */
export function canonicalOverrides(sets: readonly string[]): string {
  const last = new Map<string, string>()
  for (const s of sets) {
    const {path, raw} = parseAssignment(s)
    last.set(path.join('.'), raw)
  }
  return [...last]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v.replace(/[\\;]/g, (c) => `\\${c}`)}`)
    .join(';')
}
