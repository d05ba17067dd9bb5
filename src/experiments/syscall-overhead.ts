/**
 * syscall-overhead: the latency and rate of single system calls by class (a local call, remote
 * null-like calls, 1-byte reads/writes of a storage file and a socket), 1 to 64 user threads
 * issuing back to back. Under VirtuOS getppid stays a trap into the primary; the others are
 * exceptionless requests to the storage or network domain.
 */
import {z} from 'zod'
import {loadProfile} from '../config/index.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'
import {buildBench, cyclesToNs, EXPERIMENT_FLEXSC, flexscNotes, runBench} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {CALL_CLASSES, callLatencyWorkload, type CallClass} from '../workloads/micro.js'
import {byMode, header, pick, positive, positiveInt, sourced, count} from '../workloads/schema.js'
import {nearNative, paysVsNative} from './claims.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

const schema = z.strictObject(
  {
    ...header,
    loopInstructions: sourced(count()),
    warmupUs: sourced(byMode(positive())),
    measureUs: sourced(byMode(positive())),
    fileBytes: sourced(positiveInt()),
    socketPrefillBytes: sourced(positiveInt()),
    port: sourced(positiveInt()),
  },
  {error: 'expected a workload object'},
)
export type SyscallOverheadWorkload = z.infer<typeof schema>

/** The workload file, read once per process (worker threads read their own copy). */
export const syscallOverheadWorkload: () => SyscallOverheadWorkload = cachedWorkload('syscall-overhead', schema)

export const syscallOverhead: ExperimentDef = {
  id: 'syscall-overhead',
  designSpace: {metric: 'latency_ns', point: {syscall: 'read_file', threads: 1}}, // one remote call alone: the price of reaching a service
  title: 'System call overhead: latency of single calls by class and user threads',
  reproduces:
    'VirtuOS evaluation, "system call overhead" (overheads were estimated: system call overhead, copying, process ' +
    'coordination)',
  // The paper's third sentence (with many threads in flight, exceptionless calls avoid traps on the
  // application cores) is not a clause: no metric here counts traps per core, so it is left out.
  clauses: [
    paysVsNative({
      text:
        'Decomposition has a price: every remote call (fstat, getsockopt, 1-byte read or write of a storage file ' +
        'or a socket) issued alone (1 thread) costs at least 5% more than natively',
      system: 'virtuos',
      metric: 'latency_ns',
      margin: 0.05,
      where: 'every',
      at: (p) => p.threads === 1 && p.syscall !== 'getppid',
    }),
    nearNative({
      text: 'Local calls (getppid) cost what they do natively: within 10% of native at every thread count',
      system: 'virtuos',
      metric: 'latency_ns',
      tolerance: 0.1,
      at: (p) => p.syscall === 'getppid',
    }),
  ],
  deterministic:
    'threads of one process call back to back on an otherwise idle machine: no random input, as in the real loop',
  axes: [
    {
      name: 'syscall',
      quick: [...CALL_CLASSES],
      full: [...CALL_CLASSES],
      description:
        'call class: local getppid; remote null-like fstat (storage fd) / getsockopt (socket); 1-byte read/write of ' +
        'a storage file / socket',
    },
    {
      name: 'threads',
      quick: [1, 4, 64],
      full: [1, 2, 4, 8, 16, 64],
      unit: 'threads',
      description: 'user threads of one process issuing calls back to back',
    },
  ],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'],
  metrics: [
    {
      name: 'latency_ns',
      unit: 'ns',
      better: 'lower',
      description:
        'mean time from issuing a call to its return, as one thread sees it: calls returned in the window, plus ' +
        'calls outstanding through the whole window at their wait so far (a saturated LIFO submitted stack starves ' +
        'old entries)',
    },
    {name: 'calls_per_s', unit: 'calls/s', better: 'higher', description: 'calls of all threads per simulated second'},
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const w = syscallOverheadWorkload()
  const params = ctx.profile.params
  const us = (v: number) => Math.round(v * 1e-6 * params.clockHz)
  const measureCycles = us(pick(w.measureUs.value, ctx.quick))
  const load = callLatencyWorkload({
    call: point.syscall as CallClass,
    threads: Number(point.threads),
    loopInstructions: w.loopInstructions.value,
    warmupCycles: us(pick(w.warmupUs.value, ctx.quick)),
    measureCycles,
    fileBytes: w.fileBytes.value,
    socketPrefillBytes: w.socketPrefillBytes.value,
    port: w.port.value,
  })
  const bench = buildBench(ctx.seed, params, system, {flexsc: EXPERIMENT_FLEXSC})
  bench.system.spawnProcess(load.program, 'syscall-overhead')
  const engine = runBench(bench, load.finished)
  const calls = load.tallies.reduce((n, t) => n + t.calls, 0)
  const latency = load.tallies.reduce((n, t) => n + t.latencyCycles, 0)
  const starved = load.tallies.reduce((n, t) => n + (t.starved ?? 0), 0)
  const starvedCycles = load.tallies.reduce((n, t) => n + (t.starvedCycles ?? 0), 0)
  // with the LIFO submitted stack or a 3 ms timeslice, some threads may finish no call in the window
  const idle = load.tallies.filter((t) => t.calls === 0).length
  const notes = [
    ...(idle > 0 ? [`${idle} of ${load.tallies.length} threads completed no call inside the window`] : []),
    ...(starved > 0 ? [`${starved} calls waited through the whole window (counted at their wait so far)`] : []),
    ...flexscNotes(bench.system),
  ]
  return {
    metrics: {
      latency_ns: calls + starved > 0 ? cyclesToNs((latency + starvedCycles) / (calls + starved), params.clockHz) : 0,
      calls_per_s: calls / (measureCycles / params.clockHz),
      ...counterMetrics(bench.machine),
    },
    counters: counterTable(bench.machine),
    engine,
    ...(notes.length > 0 ? {notes} : {}),
  }
}

/**
 * `virtuos perf` task: one whole syscall-overhead point per iteration (virtuos, 64 threads of
 * getsockopt to the network domain, quick window), from building the system to its invariants.
 */
export const syscallOverheadPerfTask = {
  name: 'syscall-overhead-point',
  description: 'one syscall-overhead point end to end: virtuos, getsockopt, 64 threads (quick)',
  prepare(): () => number {
    const ctx = {seed: 1, quick: true, profile: loadProfile()}
    return () => syscallOverhead.run({syscall: 'getsockopt', threads: 64}, 'virtuos', ctx).engine.events
  },
}
