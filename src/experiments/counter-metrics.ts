/**
 * What every system with a kernel path reports from the machine's counters (src/machine/counters.ts),
 * over the whole run, all cores and domains:
 * - u_ipc and k_ipc, user- and kernel-mode instructions per cycle (FlexSC's Figure 4 view);
 * - misses per kilo-instruction per level (l1i, l1d, l2, l3, d-TLB) over every counted mode (user,
 *   kernel, hypervisor): lines missed / instructions x 1000. The VirtuOS material we have gives no
 *   per-mode miss table, so the CSV keeps one column per level; the per-mode split is the counters
 *   table (`bench run --counters`, counterTable below).
 * Both come from one place so the columns are the same in every experiment.
 */
import {MODES, type Mode, type ModeCounters, type Tally} from '../machine/counters.js'
import {LEVELS, type PerLevel} from '../machine/indirect.js'
import type {Machine} from '../machine/machine.js'
import type {MetricDef, Point, PointResult, SystemId} from './types.js'

const LEVEL_NAMES: Record<(typeof LEVELS)[number], string> = {
  l1i: 'L1 i-cache lines',
  l1d: 'L1 d-cache lines',
  l2: 'L2 lines',
  l3: 'L3 lines',
  dtlb: 'd-TLB entries',
}

/** The MPKI metric of a level, e.g. `l2_mpki`. */
export function mpkiMetric(level: (typeof LEVELS)[number]): string {
  return `${level}_mpki`
}

export const COUNTER_METRICS: readonly MetricDef[] = [
  {
    name: 'u_ipc',
    unit: 'IPC',
    better: 'higher',
    description: 'user-mode instructions per cycle (refill stalls after kernel work and copies lower it)',
  },
  {
    name: 'k_ipc',
    unit: 'IPC',
    better: 'higher',
    description: 'kernel-mode instructions per cycle of the handlers (warm handlers raise it)',
  },
  ...LEVELS.map((l): MetricDef => ({
    name: mpkiMetric(l),
    unit: 'MPKI',
    better: 'lower',
    description: `${LEVEL_NAMES[l]} missed per 1,000 instructions, user + kernel + hypervisor mode, all domains`,
    // five more charts per experiment would bury its own; the counters table shows them
    chart: false,
  })),
]

/** The counter metrics of a finished run (0 where no modelled instruction ran). */
export function counterMetrics(machine: Machine): Record<string, number> {
  const c = machine.counters
  const out: Record<string, number> = {u_ipc: c.ipc({mode: 'user'}), k_ipc: c.ipc({mode: 'kernel'})}
  const mpki = c.mpki()
  for (const l of LEVELS) out[mpkiMetric(l)] = mpki[l]
  return out
}

/** One line of a point's counters: a domain's mode on a group of cores, summed over them. */
export interface CounterEntry {
  domain: string
  mode: Mode
  /** The cores of the group, e.g. "0-2" or "0,4": cores that ran the same (domain, mode) set. */
  cores: string
  cycles: number
  instructions: number
  misses: PerLevel
}

/**
 * The counters of a finished run by domain x mode x core group. Cores are grouped by what ran on
 * them (the set of (domain, mode) with cycles there), so a design's roles show apart: FlexSC's
 * user cores and syscall core, VirtuOS's primary and service-domain vCPUs.
 */
export function counterTable(machine: Machine): CounterEntry[] {
  return tableOf(machine.counters)
}

/** The table of a set of counters (see counterTable). */
export function tableOf(counters: ModeCounters): CounterEntry[] {
  const entries = counters.entries().filter((e) => e.tally.cycles > 0 || e.tally.instructions > 0)
  const roles = new Map<number, string[]>()
  for (const e of entries) roles.set(e.core, [...(roles.get(e.core) ?? []), `${e.domain}|${e.mode}`])
  const groups = new Map<string, number[]>()
  for (const core of [...roles.keys()].sort((a, b) => a - b)) {
    const role = roles.get(core)!.sort().join(',')
    groups.set(role, [...(groups.get(role) ?? []), core])
  }
  const out: CounterEntry[] = []
  for (const cores of groups.values()) {
    const mine = entries.filter((e) => cores.includes(e.core))
    for (const domain of new Set(mine.map((e) => e.domain))) {
      for (const mode of MODES) {
        const picked = mine.filter((e) => e.domain === domain && e.mode === mode)
        if (picked.length > 0)
          out.push(
            sumOf(
              domain,
              mode,
              coreList(cores),
              picked.map((e) => e.tally),
            ),
          )
      }
    }
  }
  return out
}

function sumOf(domain: string, mode: Mode, cores: string, tallies: readonly Tally[]): CounterEntry {
  const misses: PerLevel = {l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: 0}
  let cycles = 0
  let instructions = 0
  for (const t of tallies) {
    cycles += t.cycles
    instructions += t.instructions
    for (const l of LEVELS) misses[l] += t.misses[l]
  }
  return {domain, mode, cores, cycles, instructions, misses}
}

/** Sorted core ids as ranges: [0, 1, 2, 5] -> "0-2,5". */
export function coreList(cores: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < cores.length;) {
    let j = i
    while (j + 1 < cores.length && cores[j + 1] === cores[j] + 1) j++
    parts.push(j > i ? `${cores[i]}-${cores[j]}` : `${cores[i]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** A point's counters on one system, for the run (mean over its replicates). */
export interface CounterRow extends CounterEntry {
  system: SystemId
  params: Point
}

/**
 * The counters of every point and system of a run: `results[p][r][s]` as buildRows takes them.
 * Tallies of the same (domain, mode, cores) are averaged over the replicates (a group missing
 * from a replicate counts 0 there), so a row is one run's worth; IPC and MPKI are ratios of them.
 */
export function collectCounters(
  systems: readonly SystemId[],
  points: readonly Point[],
  results: readonly (readonly (readonly PointResult[])[])[],
): CounterRow[] {
  const rows: CounterRow[] = []
  points.forEach((params, p) => {
    const replicates = results[p]
    systems.forEach((system, s) => {
      const byKey = new Map<string, CounterEntry[]>()
      for (const r of replicates) {
        for (const e of r[s].counters ?? []) {
          const key = `${e.domain}|${e.mode}|${e.cores}`
          byKey.set(key, [...(byKey.get(key) ?? []), e])
        }
      }
      for (const es of byKey.values()) {
        const sum = sumOf(es[0].domain, es[0].mode, es[0].cores, es)
        const n = replicates.length
        const misses = {...sum.misses}
        for (const l of LEVELS) misses[l] /= n
        rows.push({system, params, ...sum, cycles: sum.cycles / n, instructions: sum.instructions / n, misses})
      }
    })
  })
  return rows
}
