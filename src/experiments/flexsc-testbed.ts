/**
 * What FlexSC's macrobenchmarks (flexsc-apache, flexsc-mysql) share: they run on FlexSC's testbed
 * profile (flexsc-batching's profileFor: configs/flexsc-i7.json unless the run named a profile) with
 * the first `cores` cores of it in use, as FlexSC ran its servers on 1, 2 and 4 cores.
 */
import type {LoadedProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import type {MachineParams} from '../machine/params.js'
import {profileFor} from './flexsc-batching.js'

/** The cores axis of both experiments. */
export const CORES = {quick: [1, 4], full: [1, 2, 4]} as const

/** The machine of the point: the experiment's profile with only its first `cores` cores in use. */
export function testbedParams(run: LoadedProfile, cores: number): MachineParams {
  const params = profileFor(run).params
  const most = params.sockets * params.coresPerSocket
  if (!Number.isInteger(cores) || cores < 1 || cores > most) {
    throw new UsageError(
      `cores: found ${cores}, expected 1 to ${most} (the profile '${profileFor(run).name}' has ${most})`,
    )
  }
  // the first `cores` cores exist, and native's and FlexSC's one kernel runs on all of them (and no more)
  const a = params.coreAllocation
  return {
    ...params,
    cores,
    coreAllocation: {...a, nativeApplication: cores, flexscSyscall: Math.min(a.flexscSyscall, cores)},
  }
}
