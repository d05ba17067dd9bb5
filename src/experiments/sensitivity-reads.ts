/**
 * What each experiment reads of its profile, so the sensitivity analysis can skip a variant that
 * provably cannot change it: the default run records, per task, every profile value read on the
 * profile its numbers come from (config/read-tracking.ts); a variant that agrees with the default
 * at every value an experiment read makes exactly the default's runs of it (the run is a
 * deterministic function of the values it reads, under the same seeds), so it is not run.
 */
import type {LoadedProfile} from '../config/index.js'
import {agreeOn, trackedProfile} from '../config/read-tracking.js'
import {InvariantError, UsageError} from '../errors.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

/**
 * The profile the experiment's numbers come from when the run was given `run`. A tracked task is
 * given this profile itself, which is right only when profileFor maps it to itself: checked.
 */
export function usedProfile(def: ExperimentDef, run: LoadedProfile): LoadedProfile {
  if (!def.profileFor) return run
  const used = def.profileFor(run)
  if (def.profileFor(used).hash !== used.hash)
    throw new InvariantError(
      `${def.id}: profileFor does not map its own profile to itself; its reads cannot be tracked`,
    )
  return used
}

/** Runs one task through a read-tracking view; the result carries the sorted paths it read. */
export function runWithReads(def: ExperimentDef, point: Point, system: SystemId, ctx: RunContext): PointResult {
  const log = new Set<string>()
  const result = def.run(point, system, {...ctx, profile: trackedProfile(usedProfile(def, ctx.profile), log)})
  return {...result, reads: [...log].sort()}
}

/**
 * Whether `variant` provably leaves the experiment's rows as `base` made them: both give it profiles
 * that agree at every value it read on `base` (`reads`, over all its tasks). A variant whose own
 * profile for the experiment cannot be made (profileFor refuses it) is not ruled out: it runs.
 */
export function cannotChange(
  def: ExperimentDef,
  base: LoadedProfile,
  variant: LoadedProfile,
  reads: readonly string[],
): boolean {
  let mine: LoadedProfile
  try {
    mine = usedProfile(def, variant)
  } catch (e) {
    if (e instanceof UsageError) return false
    throw e
  }
  return agreeOn(usedProfile(def, base), mine, reads)
}
