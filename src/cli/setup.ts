/** From the shared flags to the runner's options: validation first, then the profile. */
import {availableParallelism} from 'node:os'
import {join} from 'node:path'
import {loadProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import {expandPoints} from '../experiments/points.js'
import {selectSystems} from '../experiments/registry.js'
import {replicatesOf, type RunOptions} from '../experiments/runner.js'
import {CACHE_DIR, DirTaskCache, type TaskCache} from '../experiments/task-cache.js'
import type {ExperimentDef, SystemId} from '../experiments/types.js'
import {createProgress, type PlannedExperiment, type Progress} from '../report/progress.js'
import {checkSets, parseJobs, parseReplicates, parseSeed} from './options.js'

export interface RunFlagValues {
  quick?: boolean
  full?: boolean
  seed?: string
  replicates?: string
  config?: string
  set?: string[]
  jobs?: string
}

export interface RunSetup extends RunOptions {
  /** The `--set` strings, kept for the metadata. */
  sets: string[]
}

/** Throws UsageError for any bad flag before anything runs or is written. */
export function setupRun(flags: RunFlagValues): RunSetup {
  if (flags.quick && flags.full)
    throw new UsageError('--quick and --full exclude each other (give one; --quick is the default)')
  const seed = parseSeed(flags.seed)
  const replicates = parseReplicates(flags.replicates, !flags.full)
  const jobs = parseJobs(flags.jobs)
  const sets = checkSets(flags.set)
  const profile = loadProfile({config: flags.config, set: sets})
  return {seed, replicates, jobs, sets, quick: !flags.full, profile}
}

/** The run's experiments and their task counts (points x replicates x systems), in run order, for the progress bar. */
export function progressPlan(
  defs: readonly ExperimentDef[],
  quick: boolean,
  systems?: readonly SystemId[],
  replicates = 1,
): PlannedExperiment[] {
  return defs.map((d) => ({
    id: d.id,
    tasks: expandPoints(d.axes, quick).length * replicatesOf(d, replicates) * selectSystems(d, systems).length,
  }))
}

/** A progress report on stderr for this run: a bar on a terminal, else a line per finished experiment. */
export function runProgress(
  label: string,
  defs: readonly ExperimentDef[],
  quick: boolean,
  systems?: readonly SystemId[],
  replicates = 1,
): Progress {
  return createProgress(label, {plan: progressPlan(defs, quick, systems, replicates)})
}

/**
 * `--jobs` beyond the cores: each worker thread costs memory and they share the cores, so more only
 * slows the run (the runner already uses no more workers than the largest experiment has tasks).
 */
export function warnJobs(
  jobs: number,
  defs: readonly ExperimentDef[],
  quick: boolean,
  systems?: readonly SystemId[],
  replicates = 1,
): void {
  const cores = availableParallelism()
  if (jobs <= cores) return
  const most = Math.max(1, ...progressPlan(defs, quick, systems, replicates).map((p) => p.tasks))
  const used = Math.min(jobs, most)
  process.stderr.write(
    `virtuos: warning: --jobs ${jobs} is more than the ${cores} cores of this machine: extra worker threads share the cores and only add memory and time` +
      (used < jobs ? `; capped at ${used} (the most tasks of one experiment)` : '') +
      '\n',
  )
}

/** The task cache of a run writing into `out` (`--out`), unless --no-cache. */
export function taskCacheFor(out: string | undefined, noCache: boolean | undefined): TaskCache | undefined {
  return out === undefined || noCache ? undefined : new DirTaskCache(join(out, CACHE_DIR))
}
