/** The small report the HTML tests draw: made in-process from hand-made rows, no bench run. */
import type {ExperimentRun} from '../../src/experiments/runner.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {copyDef, copyRows, row, selftestRun} from './fixtures.js'

/** An experiment of one point: its chart is bars, one per system. */
const barsDef: ExperimentDef = {
  id: 'bars',
  title: 'One point',
  reproduces: 'a table',
  axes: [],
  systems: ['native', 'virtuos', 'flexsc'],
  metrics: [{name: 'latency', unit: 'us', better: 'lower'}],
  run: () => {
    throw new Error('not run in tests')
  },
}

/**
 * Three runs, one per chart layout: selftest (a line per system over one swept axis, a claim), the
 * copy fixture (a bytes sweep faceted by target, 95% intervals, one published value) and bars.
 */
export async function fixtureRuns(): Promise<ExperimentRun[]> {
  const self = await selftestRun()
  const rows = copyRows().map((r) => ({...r, ci95Low: r.value * 0.95, ci95High: r.value * 1.05, replicates: 3}))
  const bars = (['native', 'virtuos', 'flexsc'] as const).map((system, i) =>
    row({experiment: 'bars', system, params: {}, unit: 'us', value: 10 + 3 * i}),
  )
  return [
    self,
    {...self, experiment: copyDef, systems: [...copyDef.systems], rows},
    {...self, experiment: barsDef, systems: [...barsDef.systems], rows: bars},
  ]
}
