/**
 * Performance counters the way Perfctr-Xen reported them for the VirtuOS evaluation: per core, per
 * mode (user, kernel, hypervisor) and per domain, cycles and instructions retired (hence IPC) and
 * the lines missed per cache level (hence misses per kilo-instruction). The machine keeps them; the
 * kernel and its dispatch paths add to them where they charge cycles for modelled instructions.
 * Cycles here are those of modelled instruction streams (user bursts with their refill stalls,
 * handlers, the time a PV domain spends in Xen), not every cycle a core spends: a ledger of where
 * all cycles go can sit beside this. Hypervisor mode is counted for the domain that caused it.
 */
import {LEVELS, type PerLevel} from './indirect.js'

export const MODES = ['user', 'kernel', 'hypervisor'] as const
export type Mode = (typeof MODES)[number]

export interface Tally {
  cycles: number
  instructions: number
  misses: PerLevel
}

function emptyTally(): Tally {
  return {cycles: 0, instructions: 0, misses: {l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: 0}}
}

/** Which tallies to sum: any of core, mode, domain (omitted: all). */
export interface TallyFilter {
  core?: number
  mode?: Mode
  domain?: unknown
}

export class ModeCounters {
  private readonly tallies = new Map<string, {core: number; mode: Mode; domain: unknown; t: Tally}>()

  add(core: number, mode: Mode, domain: unknown, cycles: number, instructions: number, misses?: PerLevel): void {
    const key = `${core}|${mode}|${String(domain)}`
    let e = this.tallies.get(key)
    if (!e) this.tallies.set(key, (e = {core, mode, domain, t: emptyTally()}))
    e.t.cycles += cycles
    e.t.instructions += instructions
    if (misses) for (const l of LEVELS) e.t.misses[l] += misses[l]
  }

  /** The sum of the tallies the filter selects. */
  sum(filter: TallyFilter = {}): Tally {
    const out = emptyTally()
    for (const e of this.tallies.values()) {
      if (filter.core !== undefined && e.core !== filter.core) continue
      if (filter.mode !== undefined && e.mode !== filter.mode) continue
      if (filter.domain !== undefined && e.domain !== filter.domain) continue
      out.cycles += e.t.cycles
      out.instructions += e.t.instructions
      for (const l of LEVELS) out.misses[l] += e.t.misses[l]
    }
    return out
  }

  /** Instructions per cycle of the selected tallies (0 if none ran). */
  ipc(filter: TallyFilter = {}): number {
    const t = this.sum(filter)
    return t.cycles > 0 ? t.instructions / t.cycles : 0
  }

  /** Lines missed per level per 1,000 instructions of the selected tallies. */
  mpki(filter: TallyFilter = {}): PerLevel {
    const t = this.sum(filter)
    const k = t.instructions / 1000
    const out: PerLevel = {l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: 0}
    if (k > 0) for (const l of LEVELS) out[l] = t.misses[l] / k
    return out
  }

  /** Every tally kept (core, mode, domain), in the order first counted. */
  entries(): {core: number; mode: Mode; domain: string; tally: Tally}[] {
    return [...this.tallies.values()].map((e) => ({
      core: e.core,
      mode: e.mode,
      domain: String(e.domain),
      tally: {cycles: e.t.cycles, instructions: e.t.instructions, misses: {...e.t.misses}},
    }))
  }

  /** Forget everything counted so far (an experiment's warm-up ends). */
  reset(): void {
    this.tallies.clear()
  }
}
