/**
 * The core-allocation axis (`native_cores`): native's and FlexSC's kernel on the profile's cores
 * (`all`, cores.nativeApplication) or on as many as VirtuOS's primary domain has (`primary`,
 * cores.virtuosPrimary), the application cores of VirtuOS and of the driver-domain guest. VirtuOS
 * and the driver domain do not change along it. Full sweeps only: it doubles a sweep's runs.
 */
import {UsageError} from '../errors.js'
import type {MachineParams} from '../machine/params.js'
import type {AxisDef, ParamValue} from './types.js'

export const NATIVE_CORES_AXIS: AxisDef = {
  name: 'native_cores',
  quick: ['all'],
  full: ['all', 'primary'],
  description:
    "cores of native's and FlexSC's kernel: all = the profile's cores.nativeApplication (8 on the E5520); " +
    "primary = as many as VirtuOS's primary has (cores.virtuosPrimary, 4), the application cores of VirtuOS " +
    'and of the driver-domain guest. VirtuOS and the driver domain do not change along this axis',
}

/** A point's `native_cores` is the profile's own allocation (absent, or `all`): claims compare there. */
export function ownAllocation(nativeCores: ParamValue | undefined): boolean {
  return nativeCores !== 'primary'
}

/** The profile's params with native's and FlexSC's kernel on the cores `nativeCores` says. */
export function withNativeCores(params: MachineParams, nativeCores: ParamValue | undefined): MachineParams {
  if (nativeCores === undefined || nativeCores === 'all') return params
  if (nativeCores !== 'primary') throw new UsageError(`native_cores: found "${nativeCores}", expected all or primary`)
  const a = params.coreAllocation
  const cores = a.virtuosPrimary
  return {
    ...params,
    coreAllocation: {...a, nativeApplication: cores, flexscSyscall: Math.min(a.flexscSyscall, cores)},
  }
}
