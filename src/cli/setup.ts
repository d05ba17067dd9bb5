/** From the shared flags to the runner's options: validation first, then the profile. */
import {loadProfile} from '../config/index.js'
import type {RunOptions} from '../experiments/runner.js'
import {checkSets, parseJobs, parseSeed} from './options.js'

export interface RunFlagValues {
  quick?: boolean
  full?: boolean
  seed?: string
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
  const seed = parseSeed(flags.seed)
  const jobs = parseJobs(flags.jobs)
  const sets = checkSets(flags.set)
  const profile = loadProfile({config: flags.config, set: sets})
  return {seed, jobs, sets, quick: !flags.full, profile}
}
