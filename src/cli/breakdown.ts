/**
 * `bench run <id> --breakdown`: the experiment's breakdown point (breakdownPoint below) run once
 * per system under its first replicate's seed (what the rows hold as replicate 0), in this thread,
 * with every simulation it builds watched; the ledgers of those simulations summed per domain and
 * activity are the breakdown rows.
 */
import {seedPoint} from '../experiments/runner.js'
import {replicateSeed} from '../experiments/points.js'
import type {BreakdownRow, ExperimentDef, Point, SystemId} from '../experiments/types.js'
import {byDomain, ledgerOf, type LedgerEntry} from '../kernel/ledger.js'
import {designSpaceChoice} from '../report/design-space.js'
import {observeBenches, type Bench} from '../workloads/common.js'
import type {RunSetup} from './setup.js'

/**
 * The point an experiment's breakdown is taken at: its declared breakdown point, else its
 * design-space point (the one the report sets the systems side by side at, so the bars explain that
 * table), else every axis at its last quick value.
 */
export function breakdownPoint(def: ExperimentDef): Point {
  if (def.breakdownPoint) return def.breakdownPoint
  const space = designSpaceChoice(def)
  if (space) return space.point
  return Object.fromEntries(def.axes.map((a) => [a.name, a.quick[a.quick.length - 1]]))
}

export const pointText = (p: Point) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '(no axes)'

/** The breakdown of one experiment, system by system in the given order. */
export function runBreakdown(def: ExperimentDef, systems: readonly SystemId[], setup: RunSetup): BreakdownRow[] {
  const point = breakdownPoint(def)
  return systems.flatMap((system) => systemBreakdown(def, system, point, setup))
}

function systemBreakdown(def: ExperimentDef, system: SystemId, point: Point, setup: RunSetup): BreakdownRow[] {
  const seed = replicateSeed(setup.seed, def.id, seedPoint(def, point), 0)
  const benches: Bench[] = []
  observeBenches((bench) => benches.push(bench))
  try {
    def.run(point, system, {seed, quick: setup.quick, profile: setup.profile})
  } finally {
    observeBenches(null)
  }
  // every simulation the point built (a warm-up, a baseline loop): its whole run, each core to its end
  const entries: LedgerEntry[] = benches.flatMap((b) => ledgerOf(b.system.kernels, b.sim.now))
  const capacity = new Map<string, number>()
  for (const b of benches)
    for (const k of b.system.kernels) {
      const d = String(k.domain)
      capacity.set(d, (capacity.get(d) ?? 0) + k.sched.cpus.length * b.sim.now)
    }
  return byDomain(entries).map((t) => ({
    experiment: def.id,
    point: pointText(point),
    system,
    domain: t.domain,
    activity: t.activity,
    cycles: t.cycles,
    share: t.cycles / capacity.get(t.domain)!,
  }))
}
