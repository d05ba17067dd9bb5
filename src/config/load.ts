/**
 * Reading a profile file, applying `--set` overrides, validating, and resolving to MachineParams.
 * Every user-fixable problem is a UsageError whose message has one line per problem.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {isAbsolute, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {InvariantError, UsageError} from '../errors.js'
import {defaultWorkingSet} from '../machine/indirect.js'
import type {MachineParams} from '../machine/params.js'
import {applySet, parseAssignment} from './overrides.js'
import {resolveParams} from './resolve.js'
import {crossProblems, type Problem, type Profile, schemaProblems} from './schema.js'
import {allConstantPaths} from './spec.js'

/** The package root: two levels above this module (src/config or dist/config), not the cwd. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The paper's testbed, 2 x Xeon E5520. */
export const DEFAULT_PROFILE = resolve(PACKAGE_ROOT, 'configs', 'xeon-e5520.json')

export interface LoadedProfile {
  name: string
  /** Absolute path of the profile file. */
  path: string
  /** sha256 of the resolved profile JSON (after overrides), first 12 hex digits. */
  hash: string
  /** The validated raw profile after overrides. */
  profile: Profile
  params: MachineParams
  /** JSON paths of constants flagged `estimate: true`, e.g. "cpu.contextSwitch". */
  estimates: string[]
  /** The `--set` assignments applied to the file, in order: what carrying this run onto another file re-applies. */
  sets: readonly string[]
}

/** How a file is named in messages: as the user gave it, or relative to the cwd. */
function displayName(file: string): string {
  if (!isAbsolute(file)) return file
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') ? file : rel
}

/** Reads and parses a JSON file; one line on failure. */
export function readProfileJson(file: string): unknown {
  const name = displayName(file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message)
    throw new UsageError(`${name}: cannot read the profile (${why})`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${name}: invalid JSON (${(e as Error).message.split('\n')[0]})`)
  }
}

/** Validates raw profile data; throws one UsageError listing every problem, one line each. */
export function validateProfile(data: unknown, file: string, sets: readonly string[] = []): Profile {
  let problems: Problem[] = schemaProblems(data)
  if (problems.length === 0) problems = crossProblems(data as Profile)
  if (problems.length === 0) return data as Profile
  const name = displayName(file)
  const lines = problems.map((p) => `${origin(p.path, name, sets)}: ${p.path}: ${p.message}`)
  throw new UsageError(lines.join('\n'))
}

/** A problem at a path an override touched is the override's, not the file's. */
function origin(problemPath: string, file: string, sets: readonly string[]): string {
  for (let i = sets.length - 1; i >= 0; i--) {
    const setPath = parseAssignment(sets[i]).path.join('.')
    if (problemPath === setPath || problemPath.startsWith(`${setPath}.`) || setPath.startsWith(`${problemPath}.`)) {
      return `${file} with --set ${sets[i]}`
    }
  }
  return file
}

export function profileHash(profile: Profile): string {
  return createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 12)
}

export function estimatesOf(profile: Profile): string[] {
  return allConstantPaths()
    .filter(({path}) => (constantAt(profile, path) as {estimate?: boolean} | undefined)?.estimate === true)
    .map(({path}) => path.join('.'))
}

export function constantAt(profile: unknown, path: readonly string[]): unknown {
  let cur = profile
  for (const seg of path)
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined
  return cur
}

/** Loads a profile (default: the E5520 testbed), applies `--set` overrides in order, validates, resolves. */
export function loadProfile(opts: {config?: string; set?: string[]} = {}): LoadedProfile {
  const path = opts.config === undefined ? DEFAULT_PROFILE : resolve(opts.config)
  const name = opts.config !== undefined && !isAbsolute(opts.config) ? opts.config : displayName(path)
  const sets = opts.set ?? []
  let data = readProfileJson(opts.config ?? path)
  for (const s of sets) data = applySet(data, s)
  const loaded = loadedProfile(validateProfile(data, name, sets), path, sets)
  checkWorkingSet(loaded.params, name, sets)
  return loaded
}

/**
 * The default live user working set must be refillable within the measured recovery after a trap
 * (machine/indirect.ts derives the refill rate from it): shares of L2/L3 so large that refetching
 * them alone outlasts `syscalls.indirectRecovery` describe no machine. One line, as a bad value.
 */
function checkWorkingSet(params: MachineParams, name: string, sets: readonly string[]): void {
  try {
    defaultWorkingSet(params)
  } catch (e) {
    if (!(e instanceof InvariantError)) throw e
    const by = sets.filter((s) => s.startsWith('workload.') || s.startsWith('syscalls.indirectRecovery'))
    const where = by.length > 0 ? `${name} with --set ${by.join(' --set ')}` : name
    throw new UsageError(
      `${where}: workload.live*Share: ${e.message}: expected a live working set whose refill fits the measured recovery (smaller shares of L2/L3)`,
    )
  }
}

/** A validated profile read from `path`, resolved: what every run of it needs. */
export function loadedProfile(profile: Profile, path: string, sets: readonly string[] = []): LoadedProfile {
  return {
    name: profile.name,
    path,
    hash: profileHash(profile),
    profile,
    params: resolveParams(profile),
    estimates: estimatesOf(profile),
    sets: [...sets],
  }
}
