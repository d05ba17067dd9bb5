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
import {describePoint} from './claims.js'
import {powersOf} from './points.js'
import type {ClaimVerdict, ExperimentDef, Point, PointResult, ResultRow, RunContext, SystemId} from './types.js'

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
  title: 'TTCP: TCP bulk-transfer throughput to a client host by write size',
  reproduces: 'VirtuOS evaluation, network throughput (TTCP, in the reference list)',
  claim:
    'VirtuOS pays for copying and coordination: each write crosses the data region and a network-domain worker, so ' +
    'it stays below native Linux at some write size, and within 5% of it once writes are large enough to fill the ' +
    'wire',
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
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain'],
  metrics: [
    {
      name: 'throughput_mbps',
      unit: 'Mb/s',
      better: 'higher',
      description: 'payload bits per second at the receiver, from accept to the last byte (Mb = 10^6 bits)',
    },
  ],
  claimCheck: paysButKeepsUp,
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
  return {metrics: {throughput_mbps: throughput}, engine, notes: flexscNotes(bench.system)}
}

/** virtuos below native at some size (it pays), and within 5% at the largest size run (it keeps up). */
function paysButKeepsUp(rows: readonly ResultRow[]): ClaimVerdict {
  const v = rows.filter((r) => r.system === 'virtuos' && r.metric === 'throughput_mbps' && r.ratioVsNative !== null)
  if (v.length === 0) return {holds: null, detail: 'no virtuos rows with a native value'}
  const below = v.filter((r) => r.ratioVsNative! < 1)
  const largest = v.reduce((a, b) => (Number(b.params.buffer_bytes) > Number(a.params.buffer_bytes) ? b : a))
  const worst = v.reduce((a, b) => (b.ratioVsNative! < a.ratioVsNative! ? b : a))
  const best = v.reduce((a, b) => (b.ratioVsNative! > a.ratioVsNative! ? b : a))
  const keepsUp = largest.ratioVsNative! >= 0.95
  const detail =
    `virtuos/native throughput ${worst.ratioVsNative!.toFixed(3)} at ${describePoint(worst.params)} ` +
    `to ${best.ratioVsNative!.toFixed(3)} at ${describePoint(best.params)}; ` +
    `below native at ${below.length} of ${v.length} sizes; ${largest.ratioVsNative!.toFixed(3)} at the largest`
  return {holds: below.length > 0 && keepsUp, detail}
}
