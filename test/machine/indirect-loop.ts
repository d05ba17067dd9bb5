/**
 * The FlexSC degradation experiment on the cost model: a user loop of N instructions, then a
 * pwrite, repeated; measured in steady state. Shared by the indirect-cost test (and handy to print).
 */
import {compute, footprintOf, trapEntry, trapExit} from '../../src/machine/cost.js'
import {cleanCacheState, pollute, userBurst, type UserWorkingSet} from '../../src/machine/indirect.js'
import type {MachineParams} from '../../src/machine/params.js'

export interface LoopResult {
  n: number
  /** Loss of user-mode IPC (indirect cost only). */
  userIpcLoss: number
  /** Loss of user throughput counting the mode switch too (direct + indirect; handler time excluded). */
  totalLoss: number
  /** Per call: direct (mode switch) and indirect (refill stall) cycles. */
  direct: number
  indirect: number
}

export function syscallLoop(
  params: MachineParams,
  ws: UserWorkingSet,
  n: number,
  call = 'pwrite',
  periods = 400,
): LoopResult {
  const fp = footprintOf(params, call)
  let state = cleanCacheState()
  let stall = 0
  let measured = 0
  for (let i = 0; i < periods; i++) {
    state = pollute(params, state, fp, ws)
    const burst = userBurst(params, state, n, ws)
    state = burst.state
    if (i >= periods / 2) {
      stall += burst.extra
      measured++
    }
  }
  const base = compute(n, ws.ipc)
  const indirect = stall / measured
  const direct = trapEntry(params) + trapExit(params)
  return {
    n,
    userIpcLoss: indirect / (base + indirect),
    totalLoss: (indirect + direct) / (base + indirect + direct),
    direct,
    indirect,
  }
}

/** Cycles after one call on a clean core until a burst's IPC is back within `within` of undisturbed. */
export function recoveryCycles(
  params: MachineParams,
  ws: UserWorkingSet,
  call = 'pwrite',
  step = 100,
  within = 0.05,
): number {
  let state = pollute(params, cleanCacheState(), footprintOf(params, call), ws)
  let cycles = 0
  for (let i = 0; i < 100_000; i++) {
    const b = userBurst(params, state, step, ws)
    state = b.state
    const burstCycles = step / ws.ipc + b.extra
    if (step / burstCycles >= ws.ipc * (1 - within)) return cycles
    cycles += burstCycles
  }
  return Number.POSITIVE_INFINITY
}
