/**
 * flexsc-mysql: FlexSC's MySQL macrobenchmark (Soares & Stumm, OSDI 2010) on FlexSC's testbed
 * profile: MySQL 5.5.4 with InnoDB under sysbench OLTP, 5 M rows (1.2 GB) in memory, synchronous
 * commits off, by sysbench client threads, on 1, 2 and 4 cores. The server is the oltp experiment's
 * (src/workloads/oltp.ts, workloads/oltp.json) with the setup's database (workloads/flexsc-mysql.json):
 * a connection thread per client, NPTL with synchronous calls (native) or FlexSC-Threads with
 * exceptionless calls (flexsc).
 *
 * FlexSC's results for it are kept aside to test the model's prediction: no reference, no clause.
 * (The setup's "kernel time about 25%" is an outcome the model is not tuned to.) User and kernel
 * IPC (u_ipc, k_ipc) come from the machine's per-mode counters over the whole run
 * (src/experiments/counter-metrics.ts).
 */
import {z} from 'zod'
import {cyclesToSeconds, flexscNotes} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {runOltp} from '../workloads/oltp.js'
import {byMode, header, positive, positiveInt, sourced} from '../workloads/schema.js'
import {profileFor} from './flexsc-batching.js'
import {CORES, testbedParams} from './flexsc-testbed.js'
import {oltpConfig, oltpWorkload, type OltpWorkload} from './oltp.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

const RATIO = 'expected a ratio in [0, 1]'
const schema = z.strictObject(
  {
    ...header,
    dbBytes: sourced(positiveInt()),
    hitRate: sourced(z.number({error: RATIO}).min(0, {error: RATIO}).max(1, {error: RATIO})),
    syncCommit: sourced(z.boolean({error: 'expected true or false'})),
    warmupMs: sourced(byMode(positive())),
    measureMs: sourced(byMode(positive())),
    cleanerIntervalMs: sourced(byMode(positive())),
  },
  {error: 'expected a workload object'},
)
export type FlexscMysqlWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const flexscMysqlWorkload: () => FlexscMysqlWorkload = cachedWorkload('flexsc-mysql', schema)

/** The oltp workload with FlexSC's setup in place of its database, commit mode and window. */
export function flexscOltpWorkload(base: OltpWorkload, setup: FlexscMysqlWorkload): OltpWorkload {
  const {dbBytes, hitRate, syncCommit, warmupMs, measureMs, cleanerIntervalMs} = setup
  return {...base, dbBytes, hitRate, syncCommit, warmupMs, measureMs, cleanerIntervalMs}
}

export const flexscMysql: ExperimentDef = {
  id: 'flexsc-mysql',
  designSpace: {metric: 'tps', point: {clients: 32, cores: 4}}, // every core
  title: 'FlexSC MySQL: sysbench OLTP transactions/s and latency by clients, NPTL vs FlexSC-Threads, 1-4 cores',
  reproduces:
    'FlexSC (OSDI 2010) MySQL 5.5.4 + InnoDB under sysbench OLTP throughput and latency on 1, 2, 4 cores ' +
    '(published values kept aside: prediction only, no clause)',
  counts: 'transactions',
  profileFor,
  axes: [
    {
      name: 'clients',
      quick: [32],
      full: [1, 10, 25, 50, 100, 150, 200, 250, 300],
      unit: 'threads',
      description: 'sysbench client threads = server connection threads',
    },
    {name: 'cores', quick: CORES.quick, full: CORES.full, unit: 'cores', description: 'cores of the i7 in use'},
  ],
  systems: ['native', 'flexsc'],
  metrics: [
    {
      name: 'tps',
      unit: 'trx/s',
      better: 'higher',
      description: 'transactions completed in the window per simulated second',
    },
    {
      name: 'latency_mean_ms',
      unit: 'ms',
      better: 'lower',
      description: "mean time of a transaction at the client (sysbench's avg per-request time)",
    },
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const params = testbedParams(ctx.profile, Number(point.cores))
  const w = flexscOltpWorkload(oltpWorkload(), flexscMysqlWorkload())
  const cfg = oltpConfig(w, params.clockHz, ctx.quick, Number(point.clients))
  const {run, engine, bench} = runOltp(ctx.seed, params, system, cfg)
  const sleeps = Object.values(run.mutexes).reduce((n, m) => n + m.sleeps, 0)
  return {
    metrics: {
      tps: run.rec.rate(params.clockHz),
      latency_mean_ms: cyclesToSeconds(run.rec.meanCycles(), params.clockHz) * 1e3,
      ...counterMetrics(bench.machine),
    },
    counters: counterTable(bench.machine),
    samples: run.rec.count,
    engine,
    notes: [
      `profile ${profileFor(ctx.profile).name}, ${params.cores} cores; ${run.rec.count} transactions in the window, ` +
        `${run.stats.pageWrites} page writes, ${run.stats.logSyncs} log fsyncs, ${sleeps} mutex sleeps`,
      ...flexscNotes(bench.system),
    ],
  }
}
