/**
 * flexsc-apache: FlexSC's Apache macrobenchmark (Soares & Stumm, OSDI 2010) on FlexSC's testbed
 * profile: Apache 2.2.15 serving a static page to ApacheBench, by request concurrency, on 1, 2 and 4
 * cores. The server is one process with a pool of threads blocking in accept: NPTL threads with
 * synchronous calls (system native, capped at 200 threads) or FlexSC-Threads with exceptionless
 * calls (system flexsc, 1000 threads).
 *
 * FlexSC's results for it are kept aside to test the model's prediction: no reference, no clause.
 * User and kernel IPC (u_ipc, k_ipc: FlexSC's Figure 4 and Tables) come from the machine's per-mode
 * counters over the whole run (src/experiments/counter-metrics.ts).
 */
import {z} from 'zod'
import {maxGoodput} from '../machine/nic.js'
import {cyclesToSeconds, flexscNotes} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {positiveInt, sourced} from '../workloads/schema.js'
import {runWebServer} from '../workloads/webserver.js'
import {webConfig, webProfileSchema} from '../workloads/webserver-profile.js'
import {profileFor} from './flexsc-batching.js'
import {CORES, testbedParams} from './flexsc-testbed.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'
import {LATENCY_MEAN_MS, REQUESTS_PER_S} from './web-server.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

const schema = webProfileSchema.extend({
  fileBytes: sourced(positiveInt()),
  nptlThreads: sourced(positiveInt()),
  fdLimit: sourced(positiveInt()),
})
export type FlexscApacheWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const flexscApacheWorkload: () => FlexscApacheWorkload = cachedWorkload('flexsc-apache', schema)

/** Server threads: one per connection up to the system's pool (NPTL 200, FlexSC-Threads 1000). */
export function serverThreads(w: FlexscApacheWorkload, system: SystemId, concurrency: number): number {
  const pool = system === 'flexsc' ? w.maxThreads.value : w.nptlThreads.value
  return Math.min(concurrency, pool)
}

export const flexscApache: ExperimentDef = {
  id: 'flexsc-apache',
  designSpace: {metric: 'requests_per_s', point: {concurrency: 250, cores: 4}}, // every core
  title: 'FlexSC Apache: requests/s and mean latency by concurrency, NPTL vs FlexSC-Threads, 1-4 cores',
  reproduces:
    'FlexSC (OSDI 2010) Apache 2.2.15 + ApacheBench throughput and latency on 1, 2, 4 cores (published values ' +
    'kept aside: prediction only, no clause)',
  counts: 'requests',
  profileFor,
  axes: [
    {
      name: 'concurrency',
      quick: [250],
      full: [10, 100, 200, 500, 1000],
      unit: 'connections',
      description: 'ab -c: concurrent requests (closed loop, no keep-alive)',
    },
    {name: 'cores', quick: CORES.quick, full: CORES.full, unit: 'cores', description: 'cores of the i7 in use'},
  ],
  systems: ['native', 'flexsc'],
  metrics: [
    REQUESTS_PER_S,
    {...LATENCY_MEAN_MS, description: `${LATENCY_MEAN_MS.description} (ab's time per request)`},
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const w = flexscApacheWorkload()
  const params = testbedParams(ctx.profile, Number(point.cores))
  const concurrency = Number(point.concurrency)
  const cfg = webConfig(w, params.clockHz, ctx.quick, concurrency, w.fileBytes.value, maxGoodput(params))
  const threads = serverThreads(w, system, concurrency)
  const {rec, engine, bench} = runWebServer(
    ctx.seed,
    params,
    system,
    cfg,
    {kind: 'threads', threads},
    {
      fdLimit: w.fdLimit.value,
    },
  )
  return {
    metrics: {
      requests_per_s: rec.rate(params.clockHz),
      latency_mean_ms: cyclesToSeconds(rec.meanCycles(), params.clockHz) * 1e3,
      ...counterMetrics(bench.machine),
    },
    counters: counterTable(bench.machine),
    samples: rec.count,
    engine,
    notes: [
      `profile ${profileFor(ctx.profile).name}, ${params.cores} cores, ${threads} server threads`,
      ...flexscNotes(bench.system),
    ],
  }
}
