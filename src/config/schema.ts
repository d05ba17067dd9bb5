/**
 * The profile schema (zod 4), built from PROFILE_SPEC: every group and key required unless marked
 * optional, unknown keys rejected, values finite and in range, units those of the key's dimension.
 * validateProfile turns every problem into one line: `<file>: <json.path>: expected ..., found ...`.
 */
import {z} from 'zod'
import {UsageError} from '../errors.js'
import {isKeySpec, type KeySpec, PROFILE_SPEC, type SpecNode} from './spec.js'
import {type Dimension, toCycles, toHz, unitsOf} from './units.js'

export interface Constant<V = number> {
  value: V
  unit: string
  source: string
  /** True when nothing citable exists and the value is a reasoned estimate (reasoning in source). */
  estimate?: boolean
  /**
   * The published point(s) the value was chosen to reproduce (a value fitted, not measured): those
   * points are no test of the model and stay out of the verdicts that would count them.
   */
  fitted?: string
  /** An estimate's plausible range [low, high] (in `unit`): what a sensitivity analysis varies it over. */
  range?: [V, V]
  /** Why the range is what it is: the spread of the proxies found, or "x0.5-x2: nothing narrows it". */
  rangeSource?: string
}

type ConstantOf<S> = S extends {dim: 'flag'}
  ? Constant<boolean>
  : S extends {dim: 'choice'; choices: readonly (infer C)[]}
    ? Constant<C>
    : Constant<number>
type Node<S> = S extends KeySpec ? ConstantOf<S> : Group<S>
type Group<S> = {-readonly [K in keyof S as S[K] extends {optional: true} ? never : K]: Node<S[K]>} & {
  -readonly [K in keyof S as S[K] extends {optional: true} ? K : never]?: Node<S[K]>
}

/** A validated profile: the raw JSON shape, every constant with value, unit and source. */
export type Profile = {name: string; description: string; illustrative?: boolean} & Group<typeof PROFILE_SPEC>

const DIMENSION_NAMES: Record<Dimension, string> = {
  time: 'time',
  period: 'time or rotation speed',
  size: 'size',
  bandwidth: 'bandwidth',
  frequency: 'frequency',
  count: 'count',
  ratio: 'ratio',
  ipc: 'IPC',
  lines: 'cache-line count',
  entries: 'TLB-entry count',
  instructions: 'instruction count',
  flag: 'flag',
  choice: 'choice',
}

/**
 * No constant of a machine is anywhere near this in any accepted unit (a 1 PB disk in bytes is
 * 1e15); beyond it converted cycle counts would leave the exact integer range of a double.
 */
export const VALUE_MAX = 1e15

/** What a value must be, as the error message says it. */
export function expectedValue(spec: KeySpec): string {
  if (spec.dim === 'flag') return 'expected true or false'
  if (spec.dim === 'choice') return `expected one of ${(spec.choices ?? []).map((c) => JSON.stringify(c)).join(', ')}`
  const kind = spec.int ? 'integer' : 'number'
  if (spec.range === 'fraction') return `expected a ${kind} from 0 to 1`
  if (spec.range === 'nonnegative') return `expected a ${kind} >= 0`
  return `expected a positive ${kind}`
}

export function expectedUnit(dim: Dimension): string {
  const units = unitsOf(dim)
  return units.length === 1
    ? `expected the unit "${units[0]}"`
    : `expected a ${DIMENSION_NAMES[dim]} unit (${units.join(', ')})`
}

function valueSchema(spec: KeySpec): z.ZodType {
  const error = expectedValue(spec)
  if (spec.dim === 'flag') return z.boolean({error})
  if (spec.dim === 'choice') return z.enum((spec.choices ?? []) as [string, ...string[]], {error})
  // zod 4 numbers reject NaN and +-Infinity already (JSON's 1e999 parses to Infinity).
  let n = z.number({error})
  if (spec.int) n = n.int({error})
  if (spec.range === 'positive') n = n.positive({error})
  else n = n.nonnegative({error})
  if (spec.range === 'fraction') n = n.max(1, {error})
  else n = n.max(VALUE_MAX, {error: `expected a number <= ${VALUE_MAX}`})
  if (spec.max !== undefined) n = n.max(spec.max, {error: `expected a plausible value <= ${spec.max}`})
  return n
}

const CONSTANT_SHAPE = 'expected a constant {"value", "unit", "source"}'

function constantSchema(spec: KeySpec): z.ZodType {
  return z
    .strictObject(
      {
        value: valueSchema(spec),
        unit: z.enum(unitsOf(spec.dim) as [string, ...string[]], {error: expectedUnit(spec.dim)}),
        source: z
          .string({error: 'expected a citation (title + URL) or "derived: ..." string'})
          .trim()
          .min(1, {error: 'expected a non-empty citation'}),
        estimate: z.boolean({error: 'expected true or false'}).optional(),
        fitted: z
          .string({error: 'expected the published point the value was fitted to (a string)'})
          .trim()
          .min(1, {error: 'expected a non-empty description of the point'})
          .optional(),
        ...rangeFields(spec),
      },
      {error: CONSTANT_SHAPE},
    )
    .superRefine((c, ctx) => checkRange(c, ctx, spec))
}

/** `range` and its reasoning (numeric keys only): two values of the key's own kind. */
function rangeFields(spec: KeySpec) {
  if (spec.dim === 'flag') return {}
  return {
    range: z
      .tuple([valueSchema(spec), valueSchema(spec)], {error: 'expected [low, high], two values in the unit'})
      .optional(),
    rangeSource: z
      .string({error: 'expected why the range is what it is (a string)'})
      .trim()
      .min(1, {error: 'expected a non-empty reason'})
      .optional(),
  }
}

/**
 * A range holds its value and comes with its reason. (`--set` of another value drops the range, as it
 * drops `fitted`: a what-if may lie outside what is plausible.)
 */
function checkRange(
  c: {value: unknown; range?: unknown; rangeSource?: unknown},
  ctx: z.RefinementCtx,
  spec: KeySpec,
): void {
  if (c.range === undefined) {
    if (c.rangeSource !== undefined)
      ctx.addIssue({code: 'custom', path: ['range'], message: 'expected [low, high] beside rangeSource'})
    return
  }
  const [lo, hi] = c.range as [number, number]
  const v = c.value as number
  // a value already refused by its own check is one problem, not two
  if (!(lo <= v && v <= hi) && valueSchema(spec).safeParse(v).success)
    ctx.addIssue({code: 'custom', path: ['range'], message: `expected low <= value (${v}) <= high`})
  if (c.rangeSource === undefined)
    ctx.addIssue({code: 'custom', path: ['rangeSource'], message: 'expected why the range is what it is (a string)'})
}

function nodeSchema(node: SpecNode): z.ZodType {
  if (isKeySpec(node)) {
    const c = constantSchema(node)
    return node.optional ? c.optional() : c
  }
  const shape = Object.fromEntries(Object.entries(node).map(([k, child]) => [k, nodeSchema(child)]))
  return z.strictObject(shape, {error: `expected a group of constants {${Object.keys(node).join(', ')}}`})
}

export const profileSchema: z.ZodType = z.strictObject(
  {
    name: z
      .string({error: 'expected the profile name (a string)'})
      .regex(/^[\w.-]+$/, {error: 'expected a name of letters, digits, ".", "_" or "-"'}),
    description: z.string({error: 'expected a one-line description (a string)'}),
    illustrative: z.boolean({error: 'expected true or false'}).optional(),
    ...Object.fromEntries(Object.entries(PROFILE_SPEC).map(([k, g]) => [k, nodeSchema(g)])),
  },
  {error: 'expected a profile object'},
)

/** A problem with one place in a profile. */
export interface Problem {
  path: string
  message: string
}

/** The value at a zod issue's path in the raw data (undefined where the path leads nowhere). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<PropertyKey, unknown>)[seg]
  }
  return cur
}

/** How a found value is shown: JSON for scalars, a short tag for structures. */
export function showFound(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)'
  if (Array.isArray(v)) return 'an array'
  if (v !== null && typeof v === 'object') return 'an object'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  const s = JSON.stringify(v)
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.')
}

/** Schema problems of `data`, in document order, one per place. */
export function schemaProblems(data: unknown): Problem[] {
  const r = profileSchema.safeParse(data)
  if (r.success) return []
  const problems: Problem[] = []
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys(shapeOf(issue.path))
      for (const key of issue.keys) {
        const expected = allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''
        problems.push({path: joinPath([...issue.path, key]), message: `unknown key${expected}`})
      }
      continue
    }
    problems.push({
      path: joinPath(issue.path),
      message: `${issue.message}, found ${showFound(valueAt(data, issue.path))}`,
    })
  }
  return problems
}

const CONSTANT_KEYS = {value: 1, unit: 1, source: 1, estimate: 1, fitted: 1, range: 1, rangeSource: 1}

/** The keys accepted at a path: the spec group there, plus the meta keys at top level. */
function shapeOf(path: readonly PropertyKey[]): Record<string, unknown> {
  if (path.length === 0) return {name: 1, description: 1, illustrative: 1, ...PROFILE_SPEC}
  let node: SpecNode = PROFILE_SPEC
  for (const seg of path) {
    if (isKeySpec(node)) return CONSTANT_KEYS
    node = (node as Record<string, SpecNode>)[String(seg)]
    if (node === undefined) return {}
  }
  return isKeySpec(node) ? CONSTANT_KEYS : (node as Record<string, unknown>)
}

/** Checks across keys that the schema cannot express alone. */
export function crossProblems(p: Profile): Problem[] {
  const out: Problem[] = []
  const max = p.machine.sockets.value * p.machine.coresPerSocket.value
  const cores = p.machine.cores?.value
  if (cores !== undefined && cores > max) {
    out.push({
      path: 'machine.cores.value',
      message: `expected at most sockets x coresPerSocket = ${max}, found ${cores}`,
    })
  }
  return [...out, ...allocationProblems(p, cores ?? max), ...timesliceProblems(p)]
}

/**
 * The timeslice within the bounds Linux allows its scheduling granularity (kernel/sysctl.c:
 * min_sched_granularity_ns 100 us, max 1 s): a slice of a few cycles would make a run endless.
 */
function timesliceProblems(p: Profile): Problem[] {
  const clockHz = toHz(p.machine.clock.value, p.machine.clock.unit)
  const {value, unit} = p.kernel.timeslice
  const slice = toCycles(value, unit, clockHz)
  if (slice >= toCycles(100, 'us', clockHz) && slice <= toCycles(1, 's', clockHz)) return []
  const message = `expected a slice from 100 us to 1 s (Linux's bounds on its scheduling granularity), found ${value} ${unit}`
  return [{path: 'kernel.timeslice.value', message}]
}

/** The designs' core allocations (group `cores`): each design's domains together fit the machine. */
const ALLOCATIONS: ReadonlyArray<readonly (keyof Profile['cores'])[]> = [
  ['nativeApplication'],
  ['virtuosPrimary', 'virtuosStorage', 'virtuosNetwork'],
  ['driverDomainGuest', 'driverDomainDriver'],
]

function allocationProblems(p: Profile, machineCores: number): Problem[] {
  const out: Problem[] = []
  for (const keys of ALLOCATIONS) {
    const counts = keys.map((k) => p.cores[k].value)
    const total = counts.reduce((a, b) => a + b, 0)
    if (total <= machineCores) continue
    const one = keys.length === 1
    out.push({
      path: one ? `cores.${keys[0]}.value` : 'cores',
      message: one
        ? `expected at most machine.cores = ${machineCores}, found ${total}`
        : `expected ${keys.join(' + ')} <= machine.cores = ${machineCores}, found ${counts.join(' + ')} = ${total}`,
    })
  }
  const {flexscSyscall, nativeApplication} = p.cores
  if (flexscSyscall.value > nativeApplication.value) {
    out.push({
      path: 'cores.flexscSyscall.value',
      message: `expected at most cores.nativeApplication = ${nativeApplication.value}, found ${flexscSyscall.value}`,
    })
  }
  return out
}

/** The profile groups of design mechanism constants (MachineParams groups of the same names). */
export type MechanismGroup = 'virtuos' | 'flexsc' | 'driverDomain' | 'multiserver' | 'kernel' | 'workload'

/**
 * Checks an experiment's option overrides of a mechanism group's profile keys by the same spec rows
 * the profile is validated with; keys the profile does not hold are the caller's to check. Throws a
 * UsageError of one line naming the key: `virtuos.pollInstructions: expected a number >= 0, found -1`.
 */
export function checkMechanismOverrides(group: MechanismGroup, values: Readonly<Record<string, unknown>>): void {
  const specs = PROFILE_SPEC[group] as Record<string, KeySpec>
  for (const [key, value] of Object.entries(values)) {
    if (!Object.hasOwn(specs, key) || value === undefined) continue
    const r = valueSchema(specs[key]).safeParse(value)
    if (!r.success) throw new UsageError(`${group}.${key}: ${r.error.issues[0].message}, found ${showFound(value)}`)
  }
}
