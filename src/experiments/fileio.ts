/**
 * fileio: sysbench fileio (random read/write, synchronous I/O, sysbench 0.4's defaults) on a file
 * set under /storage, by sysbench threads (src/workloads/fileio.ts). Under VirtuOS the files live
 * in the storage domain, so every read, write and fsync is a remote call from M:N threads.
 *
 * The paper's plot of this benchmark is kept aside to test the model's prediction: the experiment
 * reports what the model says and judges no claim (the paper states none about it in words).
 */
import {z} from 'zod'
import {cyclesToSeconds, flexscNotes} from '../workloads/common.js'
import {requestRate, runFileio, type FileioConfig} from '../workloads/fileio.js'
import {cachedWorkload} from '../workloads/load.js'
import {byMode, count, header, pick, positive, positiveInt, sourced} from '../workloads/schema.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'

const schema = z.strictObject(
  {
    ...header,
    files: sourced(positiveInt()),
    totalBytes: sourced(byMode(positiveInt())),
    blockBytes: sourced(positiveInt()),
    testMode: sourced(z.literal('rndrw', {error: 'expected "rndrw" (the only mode modelled)'})),
    ioMode: sourced(z.literal('sync', {error: 'expected "sync" (the only I/O mode modelled)'})),
    rwRatio: sourced(positive()),
    fsyncFreq: sourced(count()),
    instructionsPerRequest: sourced(count()),
    warmupMs: sourced(byMode(positive())),
    measureMs: sourced(byMode(positive())),
    dataOffsetMaxKiB: sourced(count()),
    fileGapMaxKiB: sourced(count()),
  },
  {error: 'expected a workload object'},
)
export type FileioWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const fileioWorkload: () => FileioWorkload = cachedWorkload('fileio', schema)

/** The run's configuration for `threads` sysbench threads. */
export function fileioConfig(w: FileioWorkload, clockHz: number, quick: boolean, threads: number): FileioConfig {
  const ms = (v: number) => Math.round(v * 1e-3 * clockHz)
  return {
    threads,
    files: w.files.value,
    totalBytes: pick(w.totalBytes.value, quick),
    blockBytes: w.blockBytes.value,
    rwRatio: w.rwRatio.value,
    fsyncFreq: w.fsyncFreq.value,
    instructionsPerRequest: w.instructionsPerRequest.value,
    warmupCycles: ms(pick(w.warmupMs.value, quick)),
    measureCycles: ms(pick(w.measureMs.value, quick)),
    layout: {offsetMaxBytes: w.dataOffsetMaxKiB.value * 1024, gapMaxBytes: w.fileGapMaxKiB.value * 1024},
  }
}

export const fileio: ExperimentDef = {
  id: 'fileio',
  designSpace: {metric: 'requests_per_s', point: {threads: 128}}, // the quick sweep's most threads
  title: 'sysbench fileio (rndrw, sync, 0.4 defaults) on /storage: requests/s by threads',
  reproduces:
    'VirtuOS evaluation, sysbench fileio on the storage domain (published values kept aside: prediction only, no clause)',
  counts: 'requests',
  axes: [
    {
      name: 'threads',
      quick: [1, 128],
      full: [1, 4, 16, 32, 64, 128, 256, 450],
      unit: 'threads',
      description: 'sysbench --num-threads, in one process',
    },
  ],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain'],
  metrics: [
    {
      name: 'requests_per_s',
      unit: 'req/s',
      better: 'higher',
      description:
        "reads + writes per simulated second (sysbench 0.4's Requests/sec executed), over the whole fsync " +
        'periods inside the window (requestRate)',
    },
    {
      name: 'latency_mean_ms',
      unit: 'ms',
      better: 'lower',
      description: "mean time of a read or write completed in the window (sysbench's per-request avg)",
    },
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const params = ctx.profile.params
  const cfg = fileioConfig(fileioWorkload(), params.clockHz, ctx.quick, Number(point.threads))
  const {run, engine, bench} = runFileio(ctx.seed, params, system, cfg)
  return {
    metrics: {
      requests_per_s: requestRate(run, params.clockHz),
      latency_mean_ms: cyclesToSeconds(run.rec.meanCycles(), params.clockHz) * 1e3,
      ...counterMetrics(bench.machine),
    },
    counters: counterTable(bench.machine),
    samples: run.rec.count,
    engine,
    notes: [
      `${run.rec.count} reads+writes and ${run.fsyncs.count} fsyncs completed in the window`,
      ...flexscNotes(bench.system),
    ],
  }
}
