/**
 * FlexSC's mechanism constants (Soares & Stumm, "FlexSC: Flexible System Call Scheduling with
 * Exception-Less System Calls", OSDI 2010) as parameters with the paper's values as defaults, plus
 * the few model estimates the paper does not give (marked "estimate"). Experiments override any of
 * them with `options.flexsc`.
 */
import {UsageError} from '../../errors.js'

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
  /** Cores syscall threads of remote placement run on (FlexSC's static list); null = the kernel's last core. */
  syscallCores: number[] | null
  /** FlexSC-Threads: cores user threads are placed on (least-loaded first); null = all the kernel's cores. */
  userCores: number[] | null
  /**
   * Estimate: user instructions to post one entry (call number, argument count, 6 arguments, then
   * `submitted` behind a compiler barrier: x86 stores are ordered) in the libc wrapper.
   */
  postInstructions: number
  /** Estimate: user instructions to read a done entry's return value and free it. */
  harvestInstructions: number
  /**
   * Estimate: syscall-thread instructions per entry besides the handler (scan status, set busy,
   * table call, set done).
   */
  dispatchInstructions: number
  /**
   * Estimate: flexsc_wait's own kernel work on a remote placement (check the entries, decide to
   * wake the remote syscall thread and sleep). On the same core there is none of its own: the
   * switch to the syscall thread is the decision, and its dispatch loop scans the entries.
   */
  waitInstructions: number
  /**
   * Estimate: the in-kernel switch between a thread in flexsc_wait and a syscall thread of its
   * process on the same core: switch_to's callee-saved registers and stack pointer, same address
   * space, no pass through the run queue (~20 instructions). Not cpu.contextSwitch: that one is a
   * whole schedule() of a blocked thread, which FlexSC's same-core path avoids.
   */
  switchInstructions: number
  /** IPC of the short, L1-resident loops above (the profile's null footprint argues ~1 for such code). */
  hotLoopIpc: number
  /**
   * Estimate: Nehalem's 10 L1D line-fill buffers. Consecutive entries of a page are a sequential
   * stream: after the first line, transfers of the next ones overlap this many at a time.
   */
  lineFillBuffers: number
}

export const defaultFlexscParams: FlexscParams = {
  entryBytes: 64,
  entriesPerPage: 64,
  pagesPerCore: 8,
  placement: 'same-core',
  syscallCores: null,
  userCores: null,
  postInstructions: 20,
  harvestInstructions: 10,
  dispatchInstructions: 20,
  waitInstructions: 30,
  switchInstructions: 20,
  hotLoopIpc: 1,
  lineFillBuffers: 10,
}

/** Merge overrides and check them; bad values are the user's to fix. */
export function resolveFlexscParams(
  cores: readonly number[],
  overrides: Partial<FlexscParams> = {},
): FlexscParams & {syscallCores: number[]} {
  const p = {...defaultFlexscParams, ...overrides}
  for (const [key, value] of Object.entries(p)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError(`flexsc.${key}: found ${value}, expected a finite number >= 0`)
    }
  }
  for (const key of ['entriesPerPage', 'pagesPerCore', 'lineFillBuffers'] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 1) {
      throw new UsageError(`flexsc.${key}: found ${p[key]}, expected an integer >= 1`)
    }
  }
  if (!(p.hotLoopIpc > 0)) throw new UsageError(`flexsc.hotLoopIpc: found ${p.hotLoopIpc}, expected > 0`)
  if (!PLACEMENTS.includes(p.placement)) {
    throw new UsageError(`flexsc.placement: found "${p.placement}", expected one of ${PLACEMENTS.join(', ')}`)
  }
  const syscallCores = p.syscallCores ?? [cores[cores.length - 1]]
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
