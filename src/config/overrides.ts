/**
 * `--set path=value` on a raw profile. A path naming a constant sets its value
 * (`machine.cores=1`); `.value`, `.unit`, `.source`, `.estimate` or `.fitted` after it sets that field. The
 * value is parsed as JSON (number, boolean, string), else taken as a string. Paths are checked
 * against the spec, so a typo gets one line with the nearest valid keys; the values are checked
 * when the whole profile is re-validated.
 */
import {UsageError} from '../errors.js'
import {isKeySpec, META_KEYS, PROFILE_SPEC, type SpecNode} from './spec.js'
import {unitsOf} from './units.js'

const CONSTANT_FIELDS = ['value', 'unit', 'source', 'estimate', 'fitted'] as const

/** Splits `path=value`; the path is the part before the first '='. */
export function parseAssignment(assignment: string): {path: string[]; raw: string; value: unknown} {
  const eq = assignment.indexOf('=')
  const key = eq < 0 ? '' : assignment.slice(0, eq).trim()
  const raw = eq < 0 ? '' : assignment.slice(eq + 1).trim()
  if (key === '' || raw === '' || key.split('.').some((s) => s === '')) {
    throw new UsageError(`--set ${assignment}: expected path=value (e.g. --set machine.cores=4), found '${assignment}'`)
  }
  return {path: key.split('.'), raw, value: parseValue(raw)}
}

function parseValue(raw: string): unknown {
  try {
    const v: unknown = JSON.parse(raw)
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v
  } catch {
    // not JSON: a bare word is a string, e.g. unit=ns
  }
  return raw
}

/** Returns a copy of `profile` with the assignment applied (the input is not changed). */
export function applySet(profile: unknown, assignment: string): unknown {
  const {path, value} = parseAssignment(assignment)
  const target = locate(path, assignment)
  const out = structuredClone(profile) as Record<string, unknown>
  if (out === null || typeof out !== 'object') throw new UsageError(`--set ${assignment}: the profile is not an object`)
  if (target.kind === 'meta') {
    out[path[0]] = value
    return out
  }
  let group: Record<string, unknown> = out
  for (const seg of target.constantPath.slice(0, -1)) {
    const next = group[seg]
    if (next === null || typeof next !== 'object') group[seg] = {}
    group = group[seg] as Record<string, unknown>
  }
  const last = target.constantPath[target.constantPath.length - 1]
  const existing = group[last]
  const shown = `--set ${target.constantPath.join('.')}=${JSON.stringify(value)}`
  const present = existing !== null && typeof existing === 'object'
  const constant: Record<string, unknown> = present
    ? {...(existing as Record<string, unknown>)}
    : // an optional constant absent from the file (machine.cores): created in its first unit
      {value: undefined, unit: unitsOf(target.spec.dim)[0], source: `${shown} (not in the profile)`}
  if (present && target.field === 'value' && constant.value !== value && typeof constant.source === 'string') {
    // keep the citation honest: it supported the old value, not this one
    constant.source = `${shown} (profile had ${JSON.stringify(constant.value)}); ${constant.source}`
    // a new value is no longer the one fitted to a published point, nor the estimate its range was about
    delete constant.fitted
    delete constant.range
    delete constant.rangeSource
  }
  constant[target.field] = value
  group[last] = constant
  return out
}

type Target =
  | {kind: 'meta'}
  | {
      kind: 'constant'
      constantPath: string[]
      field: (typeof CONSTANT_FIELDS)[number]
      spec: Extract<SpecNode, {dim: unknown}>
    }

function locate(path: string[], assignment: string): Target {
  if (path.length === 1 && (META_KEYS as readonly string[]).includes(path[0])) return {kind: 'meta'}
  let node: SpecNode = PROFILE_SPEC
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    if (isKeySpec(node)) {
      const field = CONSTANT_FIELDS.find((f) => f === seg)
      if (field && i === path.length - 1) return {kind: 'constant', constantPath: path.slice(0, i), field, spec: node}
      throw unknownKey(assignment, path.slice(0, i), seg, [...CONSTANT_FIELDS])
    }
    const children = node as Record<string, SpecNode>
    if (!Object.hasOwn(children, seg)) {
      const keys = i === 0 ? [...META_KEYS, ...Object.keys(children)] : Object.keys(children)
      throw unknownKey(assignment, path.slice(0, i), seg, keys)
    }
    node = children[seg]
  }
  if (!isKeySpec(node)) {
    const keys = Object.keys(node).join(', ')
    throw new UsageError(`--set ${assignment}: '${path.join('.')}' is a group, not a constant (its keys: ${keys})`)
  }
  return {kind: 'constant', constantPath: path, field: 'value', spec: node}
}

function unknownKey(assignment: string, parent: string[], seg: string, keys: string[]): UsageError {
  const where = parent.length ? `in '${parent.join('.')}'` : 'at the top level'
  return new UsageError(`--set ${assignment}: unknown key '${seg}' ${where} (nearby: ${nearest(seg, keys).join(', ')})`)
}

/** The keys closest to `word` by edit distance (case-insensitive), at most 6, closest first. */
export function nearest(word: string, keys: readonly string[]): string[] {
  const w = word.toLowerCase()
  return [...keys]
    .map((k) => ({k, d: k.toLowerCase().includes(w) || w.includes(k.toLowerCase()) ? 0 : distance(w, k.toLowerCase())}))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 6)
    .map((x) => x.k)
}

function distance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}
