/**
 * Workload profiles: `workloads/<id>.json` beside the package, validated by a zod schema the
 * workload declares. Bad files fail like bad machine profiles: one UsageError, one line per problem,
 * `<file>: <json.path>: expected ..., found ...`.
 */
import {resolve} from 'node:path'
import type {ZodType} from 'zod'
import {UsageError} from '../errors.js'
import {PACKAGE_ROOT, readProfileJson} from '../config/load.js'
import {showFound, valueAt} from '../config/schema.js'

/** Where the shipped workload profiles live (the package's, not the cwd's). */
export const WORKLOADS_DIR = resolve(PACKAGE_ROOT, 'workloads')

export interface LoadWorkloadOptions {
  /** Read this file instead of `workloads/<id>.json` (relative paths from the cwd). */
  file?: string
}

/** The file `loadWorkload(id)` reads. */
export function workloadPath(id: string): string {
  if (!/^[\w.-]+$/.test(id)) throw new UsageError(`workload id '${id}': expected letters, digits, ".", "_" or "-"`)
  return resolve(WORKLOADS_DIR, `${id}.json`)
}

/** Reads, parses and validates a workload profile; throws one UsageError listing every problem. */
export function loadWorkload<T>(id: string, schema: ZodType<T>, opts: LoadWorkloadOptions = {}): T {
  const file = opts.file ?? workloadPath(id)
  const name = opts.file ?? `workloads/${id}.json`
  const data = readProfileJson(opts.file === undefined ? file : resolve(file))
  return validateWorkload(data, schema, name)
}

/**
 * A loader of `workloads/<id>.json` that reads and validates the file on its first call and then
 * returns the same object: once per process (each worker thread reads its own).
 */
export function cachedWorkload<T>(id: string, schema: ZodType<T>): () => T {
  let cached: T | undefined
  return () => (cached ??= loadWorkload(id, schema))
}

/** Validates parsed data against `schema`; `name` is how messages name the file. */
export function validateWorkload<T>(data: unknown, schema: ZodType<T>, name: string): T {
  const r = schema.safeParse(data)
  if (r.success) return r.data
  const lines: string[] = []
  for (const issue of r.error.issues) {
    const at = joinPath(issue.path)
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${name}: ${joinPath([...issue.path, key])}: unknown key`)
      continue
    }
    lines.push(`${name}: ${at}: ${issue.message}, found ${showFound(valueAt(data, issue.path))}`)
  }
  throw new UsageError(lines.join('\n'))
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.')
}
