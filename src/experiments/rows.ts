/** From per-point results to result rows: ordering and the comparison with native. */
import {InvariantError} from '../errors.js'
import {meanCi95, type EngineStats} from '../sim/index.js'
import type {ExperimentDef, Point, PointResult, ResultRow, SystemId} from './types.js'

/** What produced the rows: the resolved profile's hash and its canonical overrides (ResultRow). */
export interface RowProvenance {
  profileHash: string
  overrides: string
}

/**
 * Rows in a fixed order: point (sweep order), then system (as selected), then metric (as declared).
 * `results[p][r][s]` is the result of points[p] under replicate r on systems[s]. A row's value is
 * the mean over replicates with its 95% interval; its ratio vs native is summarised from the
 * per-replicate ratios (same seed on both sides, so the dice cancel), not from the two means.
 */
export function buildRows(
  def: ExperimentDef,
  systems: readonly SystemId[],
  points: readonly Point[],
  results: readonly (readonly (readonly PointResult[])[])[],
  seed: number,
  profile: string,
  provenance?: RowProvenance,
): ResultRow[] {
  const nativeIndex = systems.indexOf('native')
  const rows: ResultRow[] = []
  points.forEach((params, p) => {
    const replicates = results[p]
    systems.forEach((system, s) => {
      const samples = def.counts ? Math.min(...replicates.map((r) => r[s].samples ?? 0)) : null
      for (const m of def.metrics) {
        const values = replicates.map((r) => r[s].metrics[m.name])
        const natives = nativeIndex < 0 ? null : replicates.map((r) => r[nativeIndex].metrics[m.name])
        const v = meanCi95(values)
        // A ratio against 0 is no ratio: leave it empty rather than print Infinity.
        const ratios = natives && natives.every((n) => n !== 0) ? values.map((x, i) => x / natives[i]) : null
        const ratio = ratios ? meanCi95(ratios) : null
        rows.push({
          experiment: def.id,
          system,
          params,
          metric: m.name,
          value: v.mean,
          ci95Low: v.low,
          ci95High: v.high,
          replicates: values.length,
          unit: m.unit,
          better: m.better,
          nativeValue: natives ? meanCi95(natives).mean : null,
          ratioVsNative: ratio?.mean ?? null,
          ratioCi95Low: ratio?.low ?? null,
          ratioCi95High: ratio?.high ?? null,
          samples,
          seed,
          profile,
          ...provenance,
        })
      }
    })
  })
  return rows
}

/** A point's result must carry exactly the declared metrics, each a finite number: else the experiment has a bug. */
export function checkPointResult(def: ExperimentDef, where: string, result: PointResult): void {
  const declared = new Set(def.metrics.map((m) => m.name))
  for (const name of Object.keys(result.metrics)) {
    if (!declared.has(name)) throw new InvariantError(`${def.id} ${where}: metric '${name}' is not declared`)
  }
  for (const name of declared) {
    const v = result.metrics[name]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvariantError(`${def.id} ${where}: metric '${name}' is ${String(v)}, expected a finite number`)
    }
  }
  if (!result.engine) throw new InvariantError(`${def.id} ${where}: no engine stats`)
}

/** Engine stats summed over the points of a run; rates recomputed from the sums. */
export interface EngineTotals extends EngineStats {
  points: number
}

export function sumEngineStats(stats: readonly EngineStats[]): EngineTotals {
  let events = 0
  let simulatedCycles = 0
  let hostSeconds = 0
  let simulatedSeconds = 0
  for (const s of stats) {
    events += s.events
    simulatedCycles += s.simulatedCycles
    hostSeconds += s.hostSeconds
    // Points may run at different clocks; each carries its own rate, so recover its simulated seconds.
    simulatedSeconds += (s.simulatedSecondsPerHostSecond ?? 0) * s.hostSeconds
  }
  return {
    points: stats.length,
    events,
    simulatedCycles,
    hostSeconds,
    eventsPerSecond: hostSeconds > 0 ? events / hostSeconds : 0,
    simulatedSecondsPerHostSecond: hostSeconds > 0 ? simulatedSeconds / hostSeconds : 0,
  }
}
