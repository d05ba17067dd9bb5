/**
 * The context block that sits beside every CSV (`<id>.meta.json`): what produced the numbers
 * (tool version, git revision, profile and its hash, seed, mode) and how fast. It may hold wall
 * times; the CSV never does, so the CSV stays byte-identical across runs.
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {isAbsolute, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {claimText} from '../experiments/claims.js'
import type {ExperimentRun} from '../experiments/runner.js'

/** The package root: two levels above this module in both src/report and dist/report. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A path relative to the package root when inside it (so committed files do not name one machine's checkout). */
export function portablePath(path: string): string {
  const rel = relative(ROOT, path)
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

export interface ToolInfo {
  name: string
  version: string
  gitRevision: string | null
  /** Whether tracked files differed from gitRevision (uncommitted changes); null outside a git checkout. */
  gitDirty: boolean | null
}

/** What ran the tool: the numbers do not depend on it, the timings do. */
export interface RuntimeInfo {
  node: string
  platform: string
  arch: string
}

export const runtimeInfo = (): RuntimeInfo => ({node: process.version, platform: process.platform, arch: process.arch})

let cachedTool: ToolInfo | undefined

export function toolInfo(): ToolInfo {
  if (!cachedTool) {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {name: string; version: string}
    const revision = gitRevision()
    cachedTool = {
      name: pkg.name,
      version: pkg.version,
      gitRevision: revision,
      gitDirty: revision === null ? null : gitDirty(),
    }
  }
  return cachedTool
}

function gitRevision(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    )
  } catch {
    return null // not a git checkout (an unpacked tarball) or no git installed
  }
}

function gitDirty(): boolean | null {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return out.trim() !== ''
  } catch {
    return null
  }
}

export interface RunMeta {
  experiment: {id: string; title: string; reproduces: string; claim: string | null; clauses: string[]}
  tool: ToolInfo
  runtime: RuntimeInfo
  /** The profile the numbers come from (with `overrides` applied). */
  profile: {name: string; path: string; hash: string; overrides: string[]}
  /** Present when the experiment runs on a profile of its own (ExperimentDef.profileFor): the one the run was given. */
  runProfile?: {name: string; path: string; hash: string; note: string}
  seed: number
  mode: 'quick' | 'full'
  /** Replicate seeds per point (1 for a deterministic experiment, whose reason is `deterministic`). */
  replicates: number
  deterministic: string | null
  systems: string[]
  axes: Record<string, (number | string)[]>
  points: number
  rows: number
  jobs: number
  wallSeconds: number
  engine: ExperimentRun['engine']
  estimates: string[]
  notes: string[]
}

/** Whether the experiment ran on another profile than the one the run was given. */
export function ownProfile(run: ExperimentRun): boolean {
  return run.profile.hash !== run.runProfile.hash || run.profile.path !== run.runProfile.path
}

export const OWN_PROFILE_NOTE =
  "the run was given this profile; the experiment's numbers come from its own (`profile`, chosen by the experiment for this run)"

/** `overrides` are the `--set key=value` strings the profile was loaded with. */
export function buildMeta(run: ExperimentRun, overrides: readonly string[] = []): RunMeta {
  const def = run.experiment
  return {
    experiment: {
      id: def.id,
      title: def.title,
      reproduces: def.reproduces,
      claim: claimText(def),
      clauses: (def.clauses ?? []).map((c) => c.text),
    },
    tool: toolInfo(),
    runtime: runtimeInfo(),
    profile: {
      name: run.profile.name,
      path: portablePath(run.profile.path),
      hash: run.profile.hash,
      overrides: [...overrides],
    },
    ...(ownProfile(run)
      ? {
          runProfile: {
            name: run.runProfile.name,
            path: portablePath(run.runProfile.path),
            hash: run.runProfile.hash,
            note: OWN_PROFILE_NOTE,
          },
        }
      : {}),
    seed: run.seed,
    mode: run.quick ? 'quick' : 'full',
    replicates: run.replicates,
    deterministic: def.deterministic ?? null,
    systems: [...run.systems],
    axes: Object.fromEntries(def.axes.map((a) => [a.name, [...(run.quick ? a.quick : a.full)]])),
    points: run.points.length,
    rows: run.rows.length,
    jobs: run.jobs,
    wallSeconds: run.wallSeconds,
    engine: run.engine,
    estimates: [...run.profile.estimates],
    notes: run.notes,
  }
}
