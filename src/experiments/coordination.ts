/**
 * coordination: the latency of one remote call against the idle gap before it. Right after a call
 * the storage domain's worker still polls the submitted stack; after `emptyPollsBeforeWake` polls
 * it sleeps and the next call needs a wake event channel; the caller spins `spinIterations` pauses
 * on its entry, then blocks and needs a ready-queue notification. The spin budgets are axes too.
 */
import {z} from 'zod'
import {buildBench, cyclesToNs, eventChannelsSent, runBench} from '../workloads/common.js'
import {cachedWorkload} from '../workloads/load.js'
import {CALL_CLASSES, gapWorkload, type CallClass} from '../workloads/micro.js'
import {byMode, count, header, pick, positiveInt, sourced} from '../workloads/schema.js'
import {paysVsNative, trendClause, valueClause} from './claims.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'
import {COUNTER_METRICS, counterMetrics, counterTable} from './counter-metrics.js'

const schema = z.strictObject(
  {
    ...header,
    call: sourced(z.enum(CALL_CLASSES, {error: `expected one of ${CALL_CLASSES.join(', ')}`})),
    warmupCalls: sourced(byMode(count())),
    measuredCalls: sourced(byMode(positiveInt())),
    port: sourced(positiveInt()),
  },
  {error: 'expected a workload object'},
)
export type CoordinationWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const coordinationWorkload: () => CoordinationWorkload = cachedWorkload('coordination', schema)

export const coordination: ExperimentDef = {
  id: 'coordination',
  designSpace: {metric: 'latency_ns', point: {gap_us: 1000, spin_iterations: 4000, worker_yields: 5000}}, // defaults, idle 1 ms
  title: 'Process coordination: remote-call latency vs idle gap and spin budgets',
  reproduces:
    'VirtuOS evaluation, "process coordination" overhead (polling workers, wake word, event channels, ' +
    'spin-then-block waits)',
  // Each clause holds where the mechanism's condition does, stated in its words: a caller that
  // stops spinning before the answer comes needs a notification whatever the worker does (the
  // claim's "past its spin budget"), and a gap is "long" only if the workers stop polling before it
  // ends (with worker_yields 50000, full mode only, they poll through a 10 ms gap and need no wake).
  clauses: [
    valueClause({
      text:
        'A call after no gap finds a polling worker and, answered within its spin budget, needs no event channel: ' +
        "fewer than 0.05 per call at gap 0 for callers that spin at least 4000 pauses (VirtuOS's default, longer " +
        'than a remote call takes; 1000 pauses run out first)',
      system: 'virtuos',
      metric: 'event_channels_per_call',
      side: 'below',
      threshold: 0.05,
      at: (p) => p.gap_us === 0 && Number(p.spin_iterations) >= 4000,
    }),
    valueClause({
      text:
        'After an idle gap longer than the workers poll (10 ms, with worker_yields 500 or 5000) the worker sleeps ' +
        'and the call pays a wake event channel: at least 0.5 event channels per call, at every spin budget',
      system: 'virtuos',
      metric: 'event_channels_per_call',
      side: 'above',
      threshold: 0.5,
      at: (p) => Number(p.gap_us) >= 10000 && Number(p.worker_yields) <= 5000,
    }),
    trendClause({
      text:
        'So latency rises with the gap: at least 5% higher at the longest gap than at no gap, at every spin budget, ' +
        'for workers that stop polling within it (worker_yields 500 or 5000)',
      system: 'virtuos',
      metric: 'latency_ns',
      axis: 'gap_us',
      direction: 'rises',
      margin: 0.05,
      where: 'every',
      at: (p) => Number(p.worker_yields) <= 5000,
    }),
    paysVsNative({
      text: 'VirtuOS pays for coordination: a call costs at least 5% more than natively at every gap and spin budget',
      system: 'virtuos',
      metric: 'latency_ns',
      margin: 0.05,
      where: 'every',
    }),
  ],
  deterministic: 'one thread calls after fixed gaps on an otherwise idle machine: no random input, as in the real loop',
  axes: [
    {
      name: 'gap_us',
      quick: [0, 100, 1000, 10000],
      full: [0, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
      unit: 'us',
      description: 'idle time (nanosleep) before each timed call',
    },
    {
      name: 'spin_iterations',
      quick: [0, 4000],
      full: [0, 1000, 4000, 16000],
      unit: 'pauses',
      description: 'VirtuOS spinIterations: pauses a waiting kernel thread spins before blocking (release: 4000)',
    },
    {
      name: 'worker_yields',
      quick: [500, 5000],
      full: [500, 5000, 50000],
      unit: 'polls',
      description:
        'VirtuOS emptyPollsBeforeWake: empty polls before a worker requests a wake-up and sleeps (release: 5000)',
    },
  ],
  // no flexsc: the axes are VirtuOS's own coordination knobs (service-domain workers that poll and
  // sleep behind a wake word, event channels between domains); FlexSC has neither domains nor
  // event channels, so these points would not vary for it. Its batching costs are flexsc-batching's.
  // Likewise driver-domain (no exceptionless workers).
  systems: ['native', 'virtuos'],
  metrics: [
    {name: 'latency_ns', unit: 'ns', better: 'lower', description: 'mean latency of the timed calls'},
    {
      name: 'event_channels_per_call',
      unit: 'events/call',
      better: 'lower',
      description: 'wake events + ready-queue notifications sent per timed call (0 for native)',
    },
    ...COUNTER_METRICS,
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const w = coordinationWorkload()
  const params = ctx.profile.params
  const virtuos = {spinIterations: Number(point.spin_iterations), emptyPollsBeforeWake: Number(point.worker_yields)}
  const bench = buildBench(ctx.seed, params, system, {virtuos})
  let sent = 0
  const load = gapWorkload(
    {
      call: w.call.value as CallClass,
      gapCycles: Math.round(Number(point.gap_us) * 1e-6 * params.clockHz),
      warmupCalls: pick(w.warmupCalls.value, ctx.quick),
      measuredCalls: pick(w.measuredCalls.value, ctx.quick),
      port: w.port.value,
    },
    {
      onMeasureStart: () => void (sent = -eventChannelsSent(bench.system)),
      onMeasureEnd: () => void (sent += eventChannelsSent(bench.system)),
    },
  )
  bench.system.spawnProcess(load.program, 'coordination')
  const engine = runBench(bench, load.finished)
  const {calls, latencyCycles} = load.tally
  return {
    metrics: {
      latency_ns: cyclesToNs(latencyCycles / calls, params.clockHz),
      event_channels_per_call: sent / calls,
      ...counterMetrics(bench.machine),
    },
    counters: counterTable(bench.machine),
    engine,
  }
}
