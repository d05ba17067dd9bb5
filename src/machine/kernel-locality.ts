/**
 * KERNEL-side locality, the mirror of indirect.ts: each core keeps the code and data of the
 * handlers it ran recently; a handler costs between a warm cost and its cold measured row
 * (FlexSC's Table 1 measures each call after the user has run: the cold end), by how much of its
 * own footprint is still resident on the core.
 *
 * Mechanism, per level (L1i, L1d, L2, L3, d-TLB), LRU: a handler that ran left its `f` lines on
 * top of the recency stack. Every distinct line touched on the core since pushes them down; after
 * X such lines, the share still resident is clamp((C - X) / f, 0, 1) (C = the level's capacity).
 * X counts:
 * - the user: it brings lines into L1 (and the d-TLB) at the rate that refills them in R
 *   instructions (R: the refill time constant of indirect.ts), C_L1/R lines per instruction; every
 *   line it brings into L1 is allocated in L2 and L3 too (inclusive), so those fill at the L1d rate
 *   (an upper bound: it assumes no user hits there). Lines arriving at rate r into a level of C
 *   lines leave a fraction e^(-r x / C) of the older lines: X_user = C (1 - e^(-r x / C)). A long
 *   user burst turns every level over (cold: the measured row), a short one only L1 (mostly warm);
 * - other handlers run since (their footprints, each once however often it ran: LRU distinct lines);
 * - copies (2 lines per 64 bytes moved: source and destination; one d-TLB entry per page of each).
 * Cost = warm + (cold - warm) x (the missing share of the footprint, weighted per level by
 * lines x refill penalty: where the cold row's stalls come from). warm = instructions at the warm
 * kernel IPC (profile `cpu.warmKernelIpc`). A design gets no rate of its own: a dedicated core or a
 * batch is warm because nothing else ran there.
 */
import {compute, type Cycles} from './cost.js'
import {LEVELS, capacity, refillPenalty, type CacheLevel, type PerLevel} from './indirect.js'
import type {MachineParams, SyscallFootprint} from './params.js'

/** Where on the core's recency stack a handler's lines were left. */
interface HandlerMark {
  seq: number
  /** The core's user turnover and copied lines when the handler last ran. */
  turnover: number
  copied: PerLevel
  fp: SyscallFootprint
}

const zero = (): PerLevel => ({l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: 0})

/** Every line of a footprint resident (a loop's steady state with nothing else on the core). */
export const ALL_RESIDENT: Readonly<PerLevel> = Object.freeze({l1i: 1, l1d: 1, l2: 1, l3: 1, dtlb: 1})

/** One core's kernel working set: what ran there, and what has touched the core since. */
export class KernelWorkingSet {
  /** Sum over user bursts of instructions / R (dimensionless). */
  turnover = 0
  /** Lines (d-TLB: pages) moved by copies on this core, cumulative. */
  readonly copied: PerLevel = zero()
  private seq = 0
  private readonly marks = new Map<string, HandlerMark>()

  /** The user ran `instructions` with refill time constant `refillInstructions`. */
  userRan(instructions: number, refillInstructions: number): void {
    if (instructions > 0 && refillInstructions > 0) this.turnover += instructions / refillInstructions
  }

  /** A copy of `bytes` ran on this core. */
  copiedBytes(params: MachineParams, bytes: number): void {
    if (!(bytes > 0)) return
    const lines = copyLines(params, bytes)
    for (const l of LEVELS) this.copied[l] += lines[l]
  }

  /** Share of `key`'s footprint resident at each level (0 everywhere if it never ran here). */
  residency(params: MachineParams, key: string, fp: SyscallFootprint): PerLevel {
    const mark = this.marks.get(key)
    if (!mark) return zero()
    const since = zero()
    for (const [k, m] of this.marks) {
      if (k === key || m.seq < mark.seq) continue
      for (const l of LEVELS) since[l] += m.fp[l]
    }
    const turnover = this.turnover - mark.turnover
    const out = zero()
    for (const l of LEVELS) {
      const c = capacity(params, l)
      const user = c * (1 - Math.exp(-turnover * userFillRate(params, l, c)))
      const touched = since[l] + (this.copied[l] - mark.copied[l]) + user
      out[l] = fp[l] <= 0 ? 1 : clamp01((c - touched) / Math.min(fp[l], c))
    }
    return out
  }

  /** The handler `key` ran here now: its lines go on top. */
  ran(key: string, fp: SyscallFootprint): void {
    this.marks.set(key, {seq: ++this.seq, turnover: this.turnover, copied: {...this.copied}, fp})
  }
}

/** The user's line arrival rate into a level, per R instructions, over the level's capacity. */
function userFillRate(params: MachineParams, level: CacheLevel, c: number): number {
  if (level === 'l2' || level === 'l3') return capacity(params, 'l1d') / c
  return 1
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x
}

/** Lines a copy of `bytes` touches per level: source and destination; d-TLB: their pages. */
export function copyLines(params: MachineParams, bytes: number): PerLevel {
  const lines = (2 * bytes) / params.cache.lineBytes
  return {l1i: 0, l1d: lines, l2: lines, l3: lines, dtlb: 2 * Math.ceil(bytes / 4096)}
}

/** A copy seen as a footprint, for the user-side pollution of indirect.ts. */
export function copyFootprint(params: MachineParams, bytes: number): SyscallFootprint {
  return {instructions: 0, ipc: 1, ...copyLines(params, bytes)}
}

export interface HandlerCost {
  cycles: Cycles
  /** `cycles` = warm + coldPart: the warm end, and what the missing share of the footprint adds. */
  warm: Cycles
  coldPart: Cycles
  /** Lines missed per level (the resident share did not miss). */
  misses: PerLevel
}

/** Warm end: the handler's instructions at the warm kernel IPC (never dearer than its cold row). */
export function warmCycles(params: MachineParams, fp: SyscallFootprint): Cycles {
  return compute(fp.instructions, Math.max(fp.ipc, params.cpu.warmKernelIpc))
}

/** Cold end: the measured row (instructions at the row's IPC). */
export function coldCycles(params: MachineParams, fp: SyscallFootprint): Cycles {
  return compute(fp.instructions, fp.ipc > 0 ? fp.ipc : params.cpu.kernelIpc)
}

/** Cost of a handler given the resident share of its footprint per level. */
export function costAt(params: MachineParams, fp: SyscallFootprint, resident: PerLevel): HandlerCost {
  const cold = coldCycles(params, fp)
  const warm = Math.min(cold, warmCycles(params, fp))
  let weight = 0
  let missing = 0
  const misses = zero()
  for (const l of LEVELS) {
    const w = fp[l] * refillPenalty(params, l as CacheLevel)
    weight += w
    missing += w * (1 - resident[l])
    misses[l] = fp[l] * (1 - resident[l])
  }
  const share = weight > 0 ? missing / weight : 1
  const coldPart = Math.round((cold - warm) * share)
  return {cycles: warm + coldPart, warm, coldPart, misses}
}

/** Charge a handler on a core: its cost from what is resident, then its lines go on top. */
export function runHandler(
  params: MachineParams,
  ws: KernelWorkingSet,
  key: string,
  fp: SyscallFootprint,
): HandlerCost {
  const cost = costAt(params, fp, ws.residency(params, key, fp))
  ws.ran(key, fp)
  return cost
}
