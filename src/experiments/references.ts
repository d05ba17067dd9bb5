/**
 * Published points as data: `references/<experiment id>.json` beside the package holds what a paper
 * published for an experiment (the citation, the figure, what its axes and metrics mean, and each
 * value or bound with how it was read), validated like the workload files: a bad file is one
 * UsageError, one line per problem, `<file>: <json.path>: expected ..., found ...`. The model never
 * reads these files; the report sets them beside its rows and the claim checks judge against them.
 */
import {existsSync} from 'node:fs'
import {resolve} from 'node:path'
import {z} from 'zod'
import {PACKAGE_ROOT, readProfileJson} from '../config/load.js'
import {UsageError} from '../errors.js'
import {list} from '../workloads/schema.js'
import {validateWorkload} from '../workloads/load.js'
import {type ParamValue, REFERENCE_KINDS, REFERENCE_OF, type ReferencePoint, SYSTEM_IDS} from './types.js'

/** Where the shipped reference files live (the package's, not the cwd's). */
export const REFERENCES_DIR = resolve(PACKAGE_ROOT, 'references')

const text = (what: string) =>
  z
    .string({error: `expected ${what} (a string)`})
    .trim()
    .min(1, {error: `expected ${what} (a non-empty string)`})
const axisValue = z.union([z.number(), z.string()], {error: 'expected a number or a string'})

const pointSchema = z.strictObject(
  {
    system: z.enum(SYSTEM_IDS, {error: `expected one of ${SYSTEM_IDS.join(', ')}`}),
    /** Axis name -> value; a list stands for one point per value (the same statement at each). */
    point: z.record(z.string(), z.union([axisValue, list(axisValue)]), {
      error: 'expected {"<axis>": value or [values]}',
    }),
    metric: text('a metric name'),
    kind: z.enum(REFERENCE_KINDS, {error: `expected one of ${REFERENCE_KINDS.join(', ')}`}),
    value: z.number({error: 'expected a finite number'}).finite({error: 'expected a finite number'}),
    /** How the number was read: "read from the text", "plot axis", ... */
    reading: text('how the number was read'),
    /** The paper's statement the number comes from, paraphrased from its text. */
    says: text("the paper's statement"),
    /** Reading accuracy: +- this many of the metric's unit (a value read off a plot against its ticks). */
    accuracy: z
      .number({error: 'expected a number >= 0 (+- in the metric unit)'})
      .finite({error: 'expected a finite number'})
      .min(0, {error: 'expected a number >= 0 (+- in the metric unit)'})
      .optional(),
    /** What the number is compared with: the row's value (default) or its ratio to native. */
    of: z.enum(REFERENCE_OF, {error: `expected one of ${REFERENCE_OF.join(', ')}`}).optional(),
  },
  {error: 'expected a published point object'},
)

export const referenceFileSchema = z.strictObject(
  {
    experiment: text('the experiment id'),
    paper: z.strictObject(
      {citation: text('the full citation'), short: text('a short name'), url: z.url({error: 'expected a URL'})},
      {error: 'expected {"citation", "short", "url"}'},
    ),
    figure: text('the figure or table'),
    /** What the figure leaves unsaid that the experiment had to choose (the model's choice is in the experiment). */
    unstated: list(text('what the figure does not state')).optional(),
    axes: z.record(z.string(), text('what the axis means'), {error: 'expected {"<axis>": meaning}'}),
    metrics: z.record(z.string(), text('what the metric means'), {error: 'expected {"<metric>": meaning}'}),
    points: list(pointSchema),
  },
  {error: 'expected a reference file object'},
)
export type ReferenceFile = z.infer<typeof referenceFileSchema>

/** The file `loadReferences(id)` reads. */
export function referencesPath(id: string): string {
  return resolve(REFERENCES_DIR, `${id}.json`)
}

/** Reads and validates a reference file (default `references/<id>.json`); `id` must match its `experiment`. */
export function loadReferences(id: string, file?: string): ReferenceFile {
  const name = file ?? `references/${id}.json`
  const data = validateWorkload(readProfileJson(file ?? referencesPath(id)), referenceFileSchema, name)
  if (data.experiment !== id) {
    throw new UsageError(`${name}: experiment: expected '${id}', found '${data.experiment}'`)
  }
  return data
}

/** Every published point of a file, one per swept point (lists in `point` expanded), with its source. */
export function pointsOf(file: ReferenceFile): ReferencePoint[] {
  return file.points.flatMap((p) =>
    expand(p.point).map((point) => ({
      system: p.system,
      point,
      metric: p.metric,
      value: p.value,
      kind: p.kind,
      source: `${file.paper.short}, ${file.figure.split(/[,(]/)[0].trim()}: ${p.says}; ${p.reading}`,
      ...(p.accuracy === undefined ? {} : {accuracy: p.accuracy}),
      ...(p.of === undefined ? {} : {of: p.of}),
    })),
  )
}

/** The point's axes in file order; a list value multiplies the points. */
function expand(point: Record<string, ParamValue | ParamValue[]>): Record<string, ParamValue>[] {
  let out: Record<string, ParamValue>[] = [{}]
  for (const [axis, v] of Object.entries(point)) {
    const values = Array.isArray(v) ? v : [v]
    out = out.flatMap((p) => values.map((x) => ({...p, [axis]: x})))
  }
  return out
}

const cache = new Map<string, ReferencePoint[]>()
const files = new Map<string, ReferenceFile | null>()

/** The experiment's reference file as validated (null when it has none), read once per process. */
export function referenceFile(id: string): ReferenceFile | null {
  if (!files.has(id)) files.set(id, existsSync(referencesPath(id)) ? loadReferences(id) : null)
  return files.get(id)!
}

/**
 * The published points of an experiment (none when it has no reference file), read and validated on
 * the first call and then the same array: once per process.
 */
export function referencePoints(id: string): readonly ReferencePoint[] {
  let points = cache.get(id)
  if (!points) {
    const file = referenceFile(id)
    points = file ? pointsOf(file) : []
    cache.set(id, points)
  }
  return points
}
