/**
 * ttcp: TCP bulk transfer from the machine under test to a client host, per write size. Under
 * VirtuOS every write is copied into the shared data region and again by the network domain's
 * worker into the socket; natively once from the user buffer.
 */
import {z} from 'zod'
import {CLIENT_START_STREAM, startOffsets} from '../workloads/clients.js'
import {buildBench, EXPERIMENT_FLEXSC, flexscNotes, runBench} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {byMode, count, header, pick, positive, positiveInt, sourced} from '../workloads/schema.js'
import {ttcp} from '../workloads/ttcp.js'
import {overheadWithin, paysVsNative} from './claims.js'
import {powersOf} from './points.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'

const schema = z.strictObject(
  {
    ...header,
    port: sourced(positiveInt()),
    totalBytes: sourced(byMode(positiveInt())),
    gatePollUs: sourced(positive()),
    startSpreadUs: sourced(count()),
  },
  {error: 'expected a workload object'},
)
export type TtcpWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const ttcpWorkload: () => TtcpWorkload = cachedWorkload('ttcp', schema)

const KiB = 1024
/** 1 KiB .. 1 MiB by powers of `base`. */
const sizes = (base: number) => powersOf(base, KiB, 1024 * KiB)

export const ttcpExperiment: ExperimentDef = {
  id: 'ttcp',
  designSpace: {metric: 'throughput_mbps', point: {buffer_bytes: 16384}}, // below the wire's limit, near ttcp's 8 KiB default
  title: 'TTCP: TCP bulk-transfer throughput to a client host by write size',
  reproduces: 'VirtuOS evaluation, network throughput (TTCP, in the reference list)',
  clauses: [
    paysVsNative({
      text:
        'VirtuOS pays for copying and coordination: each write crosses the data region and a network-domain worker, ' +
        'so its throughput is at least 2% below native at some write size',
      system: 'virtuos',
      metric: 'throughput_mbps',
      margin: 0.02,
    }),
    overheadWithin({
      text: 'and within 5% of native once writes are large enough to fill the wire (1 MiB writes)',
      system: 'virtuos',
      metric: 'throughput_mbps',
      max: 0.05,
      at: (p) => Number(p.buffer_bytes) >= 1024 * KiB,
    }),
  ],
  axes: [
    {
      name: 'buffer_bytes',
      quick: sizes(4),
      full: sizes(2),
      unit: 'bytes',
      description: 'bytes per write (and per read at the receiver)',
    },
  ],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'],
  metrics: [
    {
      name: 'throughput_mbps',
      unit: 'Mb/s',
      better: 'higher',
      description: 'payload bits per second at the receiver, from accept to the last byte (Mb = 10^6 bits)',
    },
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const w = ttcpWorkload()
  const params = ctx.profile.params
  const us = (v: number) => Math.round(v * 1e-6 * params.clockHz)
  const bench = buildBench(ctx.seed, params, system, {clientHosts: 1, flexsc: EXPERIMENT_FLEXSC})
  const run = ttcp({
    port: w.port.value,
    bufferBytes: Number(point.buffer_bytes),
    totalBytes: pick(w.totalBytes.value, ctx.quick),
    gatePollCycles: us(w.gatePollUs.value),
    startDelayCycles: startOffsets(bench.sim.rng(CLIENT_START_STREAM), 1, us(w.startSpreadUs.value))[0],
  })
  bench.system.clients.spawn(0, run.receiver, 'ttcp-r')
  bench.system.spawnProcess(run.transmitter, 'ttcp-t')
  const engine = runBench(bench, run.finished)
  const {bytes, startCycles, endCycles} = run.result
  const seconds = (endCycles - startCycles) / params.clockHz
  const throughput = seconds > 0 ? (bytes * 8) / seconds / 1e6 : 0
  return {
    metrics: {throughput_mbps: throughput, ...counterMetrics(bench.machine)},
    counters: counterTable(bench.machine),
    engine,
    notes: flexscNotes(bench.system),
  }
}
