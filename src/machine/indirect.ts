/**
 * The INDIRECT cost of a trap: the kernel's footprint evicts the user's cache lines and TLB entries,
 * and the user code that runs afterwards misses on them until it has fetched them back.
 *
 * Mechanism (per level: L1i, L1d, L2, L3, d-TLB), all from misses x latencies:
 * - The user has a live working set of W lines at the level (lines it will re-use). The rest of
 *   the level (C - W) holds dead lines; with LRU-like replacement the kernel's lines displace those
 *   first. So a call that evicts E lines displaces max(0, E - (C - W)) of the user's live lines,
 *   scaled by the part of the live set still resident (repeated calls accumulate, and saturate).
 * - The user re-touches its live lines as it runs; a displaced line is found again with a constant
 *   hazard: after x instructions a fraction 1 - exp(-x/R) of the displaced lines has been
 *   refetched, each refetch costing the extra latency of the level below (L1 miss that hits L2:
 *   l2Hit - l1Hit; L2 -> L3: l3Hit - l2Hit; L3 -> memory: memoryLocal - l3Hit; d-TLB: tlbMiss).
 *   Nested misses add up (a line gone from L1, L2 and L3 pays all three steps: memory - L1 hit).
 * - R (instructions) is the working set's refill interval: the one workload constant the model
 *   cannot derive from the hardware. By default it is derived from the profile's measured recovery
 *   (`syscalls.indirectRecovery`, FlexSC: ~14,000 cycles after a pwrite): an exponential refill is
 *   within 5% of done after 3R, and those 3R instructions plus the refill stalls take the recovery.
 * The extra cycles are charged lazily on the user's next compute bursts (`userBurst`).
 */
import {InvariantError} from '../errors.js'
import type {Cycles} from './cost.js'
import type {MachineParams, SyscallFootprint} from './params.js'

export const LEVELS = ['l1i', 'l1d', 'l2', 'l3', 'dtlb'] as const
export type CacheLevel = (typeof LEVELS)[number]
export type PerLevel = Record<CacheLevel, number>

/** The user code whose state a trap disturbs. */
export interface UserWorkingSet {
  /** Undisturbed user-mode IPC. */
  ipc: number
  /** Live lines (d-TLB: entries) per level; each <= the level's capacity. */
  lines: PerLevel
  /** Instructions for the user to re-touch its working set (the refill time constant R). */
  refillInstructions: number
}

/** Per-core pollution: how much of the current user working set is displaced, per level. */
export interface CoreCacheState {
  displaced: PerLevel
  /** Fraction of a cycle owed, so that integer charging does not drift. */
  carry: number
}

export function cleanCacheState(): CoreCacheState {
  return {displaced: {l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: 0}, carry: 0}
}

/** Capacity of a level in lines (d-TLB: entries). */
export function capacity(params: MachineParams, level: CacheLevel): number {
  const c = params.cache
  switch (level) {
    case 'l1i':
      return c.l1iBytes / c.lineBytes
    case 'l1d':
      return c.l1dBytes / c.lineBytes
    case 'l2':
      return c.l2Bytes / c.lineBytes
    case 'l3':
      return c.l3BytesPerSocket / c.lineBytes
    case 'dtlb':
      return c.dtlbEntries
  }
}

/** Extra cycles to refetch one displaced line (entry) of the level, from the level below. */
export function refillPenalty(params: MachineParams, level: CacheLevel): Cycles {
  const c = params.cache
  switch (level) {
    case 'l1i':
    case 'l1d':
      return c.l2Hit - c.l1Hit
    case 'l2':
      return c.l3Hit - c.l2Hit
    case 'l3':
      return c.memoryLocal - c.l3Hit
    case 'dtlb':
      return c.tlbMiss
  }
}

/** Live user lines a call displaces from a clean level: what the dead part of the level cannot absorb. */
export function displacedByCall(
  params: MachineParams,
  fp: SyscallFootprint,
  level: CacheLevel,
  ws: UserWorkingSet,
): number {
  const slack = capacity(params, level) - ws.lines[level]
  return Math.min(ws.lines[level], Math.max(0, fp[level] - slack))
}

/** Total refill stall a call leaves behind on a clean core, cycles (the area of the IPC dip). */
export function isolatedPenalty(params: MachineParams, fp: SyscallFootprint, ws: UserWorkingSet): number {
  let sum = 0
  for (const l of LEVELS) sum += displacedByCall(params, fp, l, ws) * refillPenalty(params, l)
  return sum
}

/** The footprint the recovery figure was measured with: pwrite if the profile has it, else the largest. */
export function recoveryFootprint(params: MachineParams): SyscallFootprint {
  const fps = params.syscalls.footprints
  if (fps.pwrite) return fps.pwrite
  const all = Object.values(fps)
  if (all.length === 0) return params.syscalls.defaultFootprint
  return all.reduce((a, b) => (b.instructions / b.ipc > a.instructions / a.ipc ? b : a))
}

/** 1 - e^-3: the share of the refill done after three time constants. */
const REFILLED_AFTER_3R = 1 - Math.exp(-3)

/**
 * R from the measured recovery time T (cycles): 3R instructions at the undisturbed IPC plus the
 * stalls of that refill last T, so R = (T - 0.95 P) x ipc / 3, P = the recovery call's penalty.
 */
export function deriveRefillInstructions(params: MachineParams, lines: PerLevel, ipc: number): number {
  const probe: UserWorkingSet = {ipc, lines, refillInstructions: 1}
  const p = isolatedPenalty(params, recoveryFootprint(params), probe)
  const userCycles = params.syscalls.indirectRecovery - REFILLED_AFTER_3R * p
  if (!(userCycles > 0)) {
    throw new InvariantError(
      `indirect recovery ${params.syscalls.indirectRecovery} cycles is shorter than the refill stalls ${Math.round(p)}`,
    )
  }
  return (userCycles * ipc) / 3
}

/**
 * The working set assumed when a workload gives none: the profile's `workload` group says which
 * share of each level is live user state (on the testbed profiles: the L1 caches and the d-TLB
 * full, half of L2 and L3, their sources say why). It sets how large the indirect cost of a trap is.
 */
export function defaultWorkingSet(params: MachineParams, ipc: number = params.cpu.userIpc): UserWorkingSet {
  const w = params.workload
  const lines: PerLevel = {
    l1i: capacity(params, 'l1i') * w.liveL1iShare,
    l1d: capacity(params, 'l1d') * w.liveL1dShare,
    l2: capacity(params, 'l2') * w.liveL2Share,
    l3: capacity(params, 'l3') * w.liveL3Share,
    dtlb: capacity(params, 'dtlb') * w.liveDtlbShare,
  }
  return {ipc, lines, refillInstructions: deriveRefillInstructions(params, lines, ipc)}
}

/** A kernel footprint lands on the core: displace live user lines (accumulating). Returns the new state. */
export function pollute(
  params: MachineParams,
  state: CoreCacheState,
  fp: SyscallFootprint,
  ws: UserWorkingSet,
): CoreCacheState {
  // unrolled over LEVELS (a hot path: once per call); the same arithmetic per level as displacedByCall
  const d = state.displaced
  const lines = ws.lines
  const c = params.cache
  const displaced: PerLevel = {
    l1i: pollutedLevel(d.l1i, lines.l1i, fp.l1i, c.l1iBytes / c.lineBytes),
    l1d: pollutedLevel(d.l1d, lines.l1d, fp.l1d, c.l1dBytes / c.lineBytes),
    l2: pollutedLevel(d.l2, lines.l2, fp.l2, c.l2Bytes / c.lineBytes),
    l3: pollutedLevel(d.l3, lines.l3, fp.l3, c.l3BytesPerSocket / c.lineBytes),
    dtlb: pollutedLevel(d.dtlb, lines.dtlb, fp.dtlb, c.dtlbEntries),
  }
  return {displaced, carry: state.carry}
}

/** One level of pollute(): `displaced` of `live` user lines after a call touching `touched` lines. */
function pollutedLevel(displaced: number, live: number, touched: number, capacityLines: number): number {
  if (live <= 0) return displaced
  const resident = Math.max(0, live - displaced)
  const byCall = Math.min(live, Math.max(0, touched - (capacityLines - live)))
  // Evictions fall on still-resident user lines in proportion to how many remain.
  return Math.min(live, displaced + byCall * (resident / live))
}

export interface BurstCost {
  /** Extra (stall) cycles to add to the burst's own compute cycles. */
  extra: Cycles
  state: CoreCacheState
}

/** The user runs `instructions`: it refetches part of what was displaced and pays for it. */
export function userBurst(
  params: MachineParams,
  state: CoreCacheState,
  instructions: number,
  ws: UserWorkingSet,
): BurstCost {
  if (!(instructions >= 0)) throw new InvariantError(`user burst of ${instructions} instructions`)
  if (!(ws.refillInstructions > 0)) throw new InvariantError(`refillInstructions must be > 0`)
  const refilled = 1 - Math.exp(-instructions / ws.refillInstructions)
  // unrolled over LEVELS in their order (the stall sum's order), penalties as refillPenalty
  const d = state.displaced
  const c = params.cache
  const l1i = d.l1i * refilled
  const l1d = d.l1d * refilled
  const l2 = d.l2 * refilled
  const l3 = d.l3 * refilled
  const dtlb = d.dtlb * refilled
  let stall = state.carry
  stall += l1i * (c.l2Hit - c.l1Hit)
  stall += l1d * (c.l2Hit - c.l1Hit)
  stall += l2 * (c.l3Hit - c.l2Hit)
  stall += l3 * (c.memoryLocal - c.l3Hit)
  stall += dtlb * c.tlbMiss
  const displaced: PerLevel = {l1i: d.l1i - l1i, l1d: d.l1d - l1d, l2: d.l2 - l2, l3: d.l3 - l3, dtlb: d.dtlb - dtlb}
  const extra = Math.floor(stall)
  return {extra, state: {displaced, carry: stall - extra}}
}

/** Sum over levels of displaced lines (for reports and tests). */
export function totalDisplaced(state: CoreCacheState): number {
  return LEVELS.reduce((s, l) => s + state.displaced[l], 0)
}
