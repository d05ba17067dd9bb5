/** Shared by the report tests: a real selftest run (a few milliseconds) and hand-made rows. */
import {loadProfile} from '../../src/config/index.js'
import {overheadWithin} from '../../src/experiments/claims.js'
import {runExperiments, type ExperimentRun} from '../../src/experiments/runner.js'
import {selftest} from '../../src/experiments/selftest.js'
import type {ExperimentDef, ResultRow, SystemId} from '../../src/experiments/types.js'

export async function selftestRun(quick = true, seed = 1): Promise<ExperimentRun> {
  const [run] = await runExperiments([selftest], {seed, quick, profile: loadProfile(), jobs: 1})
  return run
}

/** A hand-made row; one replicate (intervals of zero width) unless `over` says otherwise. */
export function row(over: Partial<ResultRow> & {system: SystemId; value: number}): ResultRow {
  const r: ResultRow = {
    experiment: 'exp',
    params: {n: 1},
    metric: 'latency',
    ci95Low: over.value,
    ci95High: over.value,
    replicates: 1,
    unit: 'ns',
    better: 'lower',
    nativeValue: null,
    ratioVsNative: null,
    ratioCi95Low: null,
    ratioCi95High: null,
    samples: null,
    seed: 1,
    profile: 'p',
    profileHash: '0123456789ab',
    overrides: '',
    ...over,
  }
  if (over.ratioVsNative !== undefined && over.ratioCi95Low === undefined) {
    r.ratioCi95Low = r.ratioCi95High = over.ratioVsNative
  }
  return r
}

/** A bytes sweep over three systems with one published value: what the copy experiments look like. */
export const copyDef: ExperimentDef = {
  id: 'copy',
  title: 'Copy overhead',
  reproduces: 'VirtuOS fig. 7',
  clauses: [
    overheadWithin({
      text: 'virtuos is never more than 50% slower than native',
      system: 'virtuos',
      metric: 'latency',
      max: 0.5,
    }),
  ],
  axes: [
    {name: 'size', quick: [64, 1024, 65536, 1048576], full: [64, 1024, 65536, 1048576], unit: 'bytes'},
    {name: 'target', quick: ['file', 'socket'], full: ['file', 'socket']},
  ],
  systems: ['native', 'virtuos', 'flexsc'],
  metrics: [{name: 'latency', unit: 'us', better: 'lower'}],
  reference: [
    {system: 'virtuos', point: {size: 65536, target: 'file'}, metric: 'latency', value: 40, source: 'VirtuOS fig. 7'},
  ],
  run: () => {
    throw new Error('not run in tests')
  },
}

export function copyRows(): ResultRow[] {
  const rows: ResultRow[] = []
  for (const size of [64, 1024, 65536, 1048576]) {
    for (const target of ['file', 'socket']) {
      const nat = 1 + size / 2000
      for (const system of ['native', 'virtuos', 'flexsc'] as const) {
        const value = system === 'native' ? nat : system === 'virtuos' ? nat * 1.3 + 2 : nat * 1.1
        rows.push(
          row({
            experiment: 'copy',
            system,
            params: {size, target},
            metric: 'latency',
            unit: 'us',
            value,
            nativeValue: nat,
            ratioVsNative: value / nat,
          }),
        )
      }
    }
  }
  return rows
}
