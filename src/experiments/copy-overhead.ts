/**
 * copy-overhead: bulk reads and writes of a storage file and of a loopback TCP connection per
 * buffer size. Native copies once between the user buffer and the kernel; VirtuOS copies into (or
 * out of) the shared data region first and the service domain copies again, with buffers cut into
 * 4 MiB chunks.
 *
 * The axes are VirtuOS's copying plot's (talk slide 25, references/copy-overhead.json): a 16 MiB
 * file on tmpfs in the storage domain moved with buffers of 32 B to 2 MiB in powers of two, as a
 * ratio to native: the 'tmpfs' target (a file under /storage/tmpfs, which VirtuOS routes to the
 * storage domain, whose kernel keeps it in memory only). The 'file' target (full mode) is the same
 * transfer on the disk-backed /storage: page-cached, so its timed calls do no disk I/O either
 * (written once before timing; the 30 s flusher does not run inside the window), but its writes
 * dirty pages. The plot does not say read or write: both run.
 */
import {z} from 'zod'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'
import {buildBench, EXPERIMENT_FLEXSC, flexscNotes, runBench} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {copyWorkload, type CopyOp, type CopyTarget} from '../workloads/micro.js'
import {byMode, count, header, pick, positiveInt, sourced} from '../workloads/schema.js'
import {paysVsNative, trendClause} from './claims.js'
import {powersOf} from './points.js'
import {referencePoints} from './references.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

const schema = z.strictObject(
  {
    ...header,
    bytesPerPoint: sourced(byMode(positiveInt())),
    minCalls: sourced(byMode(positiveInt())),
    maxCalls: sourced(byMode(positiveInt())),
    warmupCalls: sourced(byMode(count())),
    fileBytes: sourced(positiveInt()),
    partnerBytes: sourced(positiveInt()),
    port: sourced(positiveInt()),
  },
  {error: 'expected a workload object'},
)
export type CopyOverheadWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const copyOverheadWorkload: () => CopyOverheadWorkload = cachedWorkload('copy-overhead', schema)

/** The plot's buffer sizes, 32 B to 2 MiB, by powers of `base` (2: all 17 of them). */
const sizes = (base: number) => powersOf(base, 32, 2 * 1024 * 1024)

export const copyOverhead: ExperimentDef = {
  id: 'copy-overhead',
  designSpace: {metric: 'throughput_mb_per_s', point: {target: 'tmpfs', op: 'read', buffer_bytes: 131072}}, // copies dominate
  title: 'Copying overhead: read/write throughput of a tmpfs file, a cached file and a socket by buffer size',
  reproduces:
    "VirtuOS memory copying overhead plot (Nikolaev & Back, VirtuOS SOSP'13 talk slides, slide 25): 16 MiB tmpfs " +
    'transfer, VirtuOS (storage) / Linux by buffer size',
  clauses: [
    paysVsNative({
      text:
        'VirtuOS pays for copying: every buffer crosses the shared data region (one extra copy per call), so its ' +
        'throughput is at least 5% below native at every buffer size of 64 KiB or more',
      system: 'virtuos',
      metric: 'throughput_mb_per_s',
      margin: 0.05,
      where: 'every',
      at: (p) => Number(p.buffer_bytes) >= 65536,
    }),
    trendClause({
      text:
        'The cost is most visible for large buffers once per-call costs are amortized: for every target and op, ' +
        "VirtuOS's ratio to native at the largest buffer is at least 5% below its ratio at the smallest",
      system: 'virtuos',
      metric: 'throughput_mb_per_s',
      axis: 'buffer_bytes',
      direction: 'falls',
      margin: 0.05,
      where: 'every',
      of: 'gain',
    }),
  ],
  deterministic:
    'one thread copies a fixed amount through a tmpfs or page-cached file or a loopback socket: no random input (no disk)',
  axes: [
    {
      name: 'target',
      // quick: the plot's tmpfs only (the page-cached 'file' does the same copies, plus dirtying)
      quick: ['tmpfs', 'socket'],
      full: ['tmpfs', 'file', 'socket'],
      description:
        "a 16 MiB file on the storage domain's tmpfs (the plot's), a page-cached file on the storage " +
        "domain's disk-backed file system (both pread/pwrite), or a loopback TCP connection (read/write)",
    },
    {name: 'op', quick: ['read', 'write'], full: ['read', 'write']},
    {
      name: 'buffer_bytes',
      quick: sizes(4),
      full: sizes(2),
      unit: 'bytes',
      description: "bytes per call: the plot's 32 B to 2 MiB in powers of two (quick: every other one)",
    },
  ],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'],
  metrics: [
    {
      name: 'throughput_mb_per_s',
      unit: 'MB/s',
      better: 'higher',
      description: 'bytes moved by the timed calls per simulated second (MB = 10^6 bytes)',
    },
    ...COUNTER_METRICS,
  ],
  get reference() {
    return referencePoints('copy-overhead')
  },
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const w = copyOverheadWorkload()
  const params = ctx.profile.params
  const buffer = Number(point.buffer_bytes)
  const wanted = Math.ceil(pick(w.bytesPerPoint.value, ctx.quick) / buffer)
  const calls = Math.min(pick(w.maxCalls.value, ctx.quick), Math.max(pick(w.minCalls.value, ctx.quick), wanted))
  const load = copyWorkload({
    op: point.op as CopyOp,
    target: point.target as CopyTarget,
    bufferBytes: buffer,
    warmupCalls: pick(w.warmupCalls.value, ctx.quick),
    measuredCalls: calls,
    fileBytes: w.fileBytes.value,
    partnerBytes: w.partnerBytes.value,
    port: w.port.value,
  })
  const bench = buildBench(ctx.seed, params, system, {flexsc: EXPERIMENT_FLEXSC})
  bench.system.spawnProcess(load.program, 'copy-overhead')
  const engine = runBench(bench, load.finished)
  const {bytes, cycles} = load.result
  return {
    metrics: {throughput_mb_per_s: bytes / 1e6 / (cycles / params.clockHz), ...counterMetrics(bench.machine)},
    counters: counterTable(bench.machine),
    engine,
    notes: flexscNotes(bench.system),
  }
}
