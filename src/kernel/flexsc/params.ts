/**
 * FlexSC's mechanism constants (Soares & Stumm, "FlexSC: Flexible System Call Scheduling with
 * Exception-Less System Calls", OSDI 2010) as parameters with the paper's values as defaults, plus
 * the few model estimates the paper does not give (marked "estimate"). The estimates are profile
 * constants (the profile's `flexsc` group, resolved into MachineParams.flexsc, their reasoning in
 * their sources; the per-entry costs of the same-core path are marked `fitted`: chosen so that two
 * published points come out right). Experiments override any parameter with `options.flexsc`.
 */
import {checkMechanismOverrides} from '../../config/schema.js'
import {UsageError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'

/** Where a process's syscall threads run: on the caller's core, or on another core woken by an IPI. */
export type Placement = 'same-core' | 'remote-core'
export const PLACEMENTS: readonly Placement[] = ['same-core', 'remote-core']

export interface FlexscParams {
  /** Bytes of one syscall entry (one cache line). */
  entryBytes: number
  /** Entries per 4 KiB syscall page. */
  entriesPerPage: number
  /** Syscall pages per core (FlexSC default 8: 512 entries). */
  pagesPerCore: number
  placement: Placement
  /**
   * Cores syscall threads of remote placement run on (FlexSC's static list); null = the kernel's
   * last `cores.flexscSyscall` cores (the profile's).
   */
  syscallCores: number[] | null
  /** FlexSC-Threads: cores user threads are placed on (least-loaded first); null = all the kernel's cores. */
  userCores: number[] | null
  /** Profile (flexsc.postInstructions, estimate, fitted): user instructions to post one entry. */
  postInstructions: number
  /** Profile (flexsc.harvestInstructions, estimate, fitted): read a done entry's return value and free it. */
  harvestInstructions: number
  /** Profile (flexsc.dispatchInstructions, estimate, fitted): syscall-thread work per entry besides the handler. */
  dispatchInstructions: number
  /** Profile (flexsc.waitInstructions, estimate): flexsc_wait's own kernel work on a remote placement. */
  waitInstructions: number
  /** Profile (flexsc.switchInstructions, estimate, fitted): same-core switch to a syscall thread. */
  switchInstructions: number
  /** Profile (flexsc.hotLoopIpc, estimate, fitted): IPC of the short, L1-resident loops above. */
  hotLoopIpc: number
  /** Profile (flexsc.lineFillBuffers, estimate): entry-line transfers of a page that overlap. */
  lineFillBuffers: number
}

/** The parameters whose defaults are the paper's values (the rest come from the profile). */
export type FlexscPaperParams = Omit<FlexscParams, keyof MachineParams['flexsc']>

export const defaultFlexscParams: FlexscPaperParams = {
  entryBytes: 64,
  entriesPerPage: 64,
  pagesPerCore: 8,
  placement: 'same-core',
  syscallCores: null,
  userCores: null,
}

/**
 * Merge the paper's defaults, the profile's constants and the overrides (in that order) and check
 * them: the profile's keys by its spec table, the paper's here; bad values are the user's to fix.
 */
export function resolveFlexscParams(
  cores: readonly number[],
  profile: MachineParams['flexsc'],
  overrides: Partial<FlexscParams> = {},
  syscallCoreCount = 1,
): FlexscParams & {syscallCores: number[]} {
  checkMechanismOverrides('flexsc', overrides)
  const p: FlexscParams = {...defaultFlexscParams, ...profile, ...overrides}
  for (const key of ['entryBytes', 'entriesPerPage', 'pagesPerCore'] as const) {
    if (!(Number.isFinite(p[key]) && p[key] >= 0)) {
      throw new UsageError(`flexsc.${key}: found ${p[key]}, expected a finite number >= 0`)
    }
  }
  for (const key of ['entriesPerPage', 'pagesPerCore'] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 1) {
      throw new UsageError(`flexsc.${key}: found ${p[key]}, expected an integer >= 1`)
    }
  }
  if (!PLACEMENTS.includes(p.placement)) {
    throw new UsageError(`flexsc.placement: found "${p.placement}", expected one of ${PLACEMENTS.join(', ')}`)
  }
  const syscallCores = p.syscallCores ?? cores.slice(Math.max(0, cores.length - syscallCoreCount))
  if (syscallCores.length === 0) throw new UsageError('flexsc.syscallCores: found no cores, expected at least one')
  for (const c of syscallCores) {
    if (!cores.includes(c)) {
      throw new UsageError(`flexsc.syscallCores: found core ${c}, expected one of ${cores.join(', ')}`)
    }
  }
  if (p.userCores !== null) {
    if (p.userCores.length === 0) throw new UsageError('flexsc.userCores: found no cores, expected at least one')
    for (const c of p.userCores) {
      if (!cores.includes(c)) {
        throw new UsageError(`flexsc.userCores: found core ${c}, expected one of ${cores.join(', ')}`)
      }
    }
  }
  if (p.placement === 'remote-core' && cores.length < 2) {
    throw new UsageError('flexsc.placement: remote-core needs at least 2 cores')
  }
  return {...p, syscallCores}
}
