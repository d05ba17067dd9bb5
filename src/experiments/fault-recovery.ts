/**
 * fault-recovery: a service domain crashes under load and restarts; does the rest keep running?
 * Two workloads run at once (src/workloads/faults.ts): a file server using only the storage domain
 * and a request/response service across the NIC using only the network domain. `param_domain` says
 * which domain crashes; the workload using it is "affected", the other the "bystander".
 *
 * Timing: --full crashes at 1 s, restarts after the release's 3 s, watches 2 s more. --quick keeps
 * the shape with the restart delay scaled down to 300 ms (crash at 200 ms, 300 ms after), so quick
 * runs stay short; `param_restart_ms` states the delay used.
 *
 * Native has no service domains: a crash of its storage or network stack is a kernel crash that
 * takes the whole machine down. Its row is measured up to the crash, then encoded so every value
 * stays a finite number: survived = 0; throughput during and after = 0 (nothing runs, no reboot is
 * modelled); bystander_ratio = 0 (the bystander dies too); failed_calls = 0 (nothing is answered,
 * not even with an error); lost_calls = the calls in flight at the crash; recovery_ms = the whole
 * observation window after the restart time (a lower bound: it never recovered while watched).
 *
 * `fault-recovery-timeline` is the same runs as a time series (`param_t_ms`, one bucket per point)
 * for the chart of the dip and the recovery. The seed moves the crash instant (nominal + a jitter
 * of up to crashJitterUs, workloads/fault-recovery.json), the clients' connection times and the
 * disk's phase; the summary's windows follow the crash that happened. The timeline's points share
 * one simulation per (system, domain, run seed) in each process: the summary's (scenarioSeed).
 */
import {z} from 'zod'
import {dispatchPaths} from '../kernel/systems.js'
import {cachedWorkload} from '../workloads/load.js'
import {header, positiveInt, sourced, count} from '../workloads/schema.js'
import {
  FAULT_DOMAINS,
  crashInstant,
  runFaultScenario,
  type FaultDomain,
  type FaultScenario,
  type FaultScenarioResult,
} from '../workloads/fault-scenario.js'
import type {CallLedger} from '../workloads/faults.js'
import {pointSeed} from './points.js'
import type {ClaimVerdict, ExperimentDef, Point, PointResult, ResultRow, RunContext, SystemId} from './types.js'

const schema = z.strictObject(
  {
    ...header,
    fileThreads: sourced(positiveInt()),
    fileBytes: sourced(positiveInt()),
    blockBytes: sourced(positiveInt()),
    fileThinkInstructions: sourced(count()),
    netClients: sourced(positiveInt()),
    requestBytes: sourced(positiveInt()),
    responseBytes: sourced(positiveInt()),
    serverInstructions: sourced(count()),
    clientThinkInstructions: sourced(count()),
    retryUs: sourced(positiveInt()),
    port: sourced(positiveInt()),
    clientStartSpreadUs: sourced(count()),
    crashJitterUs: sourced(count()),
  },
  {error: 'expected a workload object'},
)
export type FaultRecoveryWorkload = z.infer<typeof schema>

/** The workload file, read once per process. */
export const faultRecoveryWorkload: () => FaultRecoveryWorkload = cachedWorkload('fault-recovery', schema)

/** The timing of a run, in ms of simulated time. */
export interface FaultTiming {
  warmupMs: number
  crashMs: number
  restartMs: number
  afterMs: number
  bucketMs: number
}

export const QUICK_TIMING: FaultTiming = {warmupMs: 50, crashMs: 200, restartMs: 300, afterMs: 300, bucketMs: 50}
export const FULL_TIMING: FaultTiming = {warmupMs: 200, crashMs: 1000, restartMs: 3000, afterMs: 2000, bucketMs: 250}

const endMs = (t: FaultTiming) => t.crashMs + t.restartMs + t.afterMs
const buckets = (t: FaultTiming) => Array.from({length: endMs(t) / t.bucketMs}, (_, i) => i * t.bucketMs)

/** native and virtuos, plus driver-domain once a design by that name is registered. */
function faultSystems(): SystemId[] {
  return dispatchPaths().includes('driver-domain') ? ['native', 'virtuos', 'driver-domain'] : ['native', 'virtuos']
}

const domainAxis = {
  name: 'domain',
  quick: [...FAULT_DOMAINS],
  full: [...FAULT_DOMAINS],
  description: 'the service domain that crashes',
}
const restartAxis = {
  name: 'restart_ms',
  quick: [QUICK_TIMING.restartMs],
  full: [FULL_TIMING.restartMs],
  unit: 'ms',
  description: 'restart delay (the release waits 3 s; --quick scales it down)',
}

const CLAIM =
  'The prototype survives the failure of an individual service domain: the workload not using it keeps its ' +
  'throughput, calls into the failed domain fail with an error (none is lost), and the workload using it recovers ' +
  'after the restart'

/** The timeline's claim: the same, bucket by bucket; its thresholds are stated in its words. */
const TOLERANCE = 0.1
const pctOf = (x: number) => `${Math.round(x * 100)}%`
const TIMELINE_CLAIM =
  'The prototype contains the failure of an individual service domain over time: in every bucket while the domain ' +
  `is down, the workload not using it keeps at least ${pctOf(1 - TOLERANCE)} of its pre-crash throughput and the ` +
  `workload using it drops below ${pctOf(TOLERANCE)} of its own; ` +
  `after the restart the latter is back to at least ${pctOf(1 - TOLERANCE)} of its pre-crash throughput on average; ` +
  'calls fail with an error in every bucket of the outage and in no bucket outside it (lost calls are counted by ' +
  'fault-recovery)'

export const faultRecovery: ExperimentDef = {
  id: 'fault-recovery',
  title: 'Fault containment and recovery: one service domain crashes under two concurrent workloads',
  reproduces:
    'VirtuOS evaluation: "fault containment and failure recovery were tested" (the prototype survives the failure of ' +
    'individual service domains)',
  claim: CLAIM,
  axes: [domainAxis, restartAxis],
  get systems() {
    return faultSystems()
  },
  metrics: [
    {
      name: 'affected_before',
      unit: 'ops/s',
      better: 'higher',
      description: 'throughput of the workload using the crashed domain before the crash',
    },
    {name: 'affected_during', unit: 'ops/s', better: 'higher', description: '... while the domain is down'},
    {name: 'affected_after', unit: 'ops/s', better: 'higher', description: '... after the restart'},
    {
      name: 'bystander_before',
      unit: 'ops/s',
      better: 'higher',
      description: 'throughput of the other workload before the crash',
    },
    {name: 'bystander_during', unit: 'ops/s', better: 'higher', description: '... while the domain is down'},
    {name: 'bystander_after', unit: 'ops/s', better: 'higher', description: '... after the restart'},
    {
      name: 'bystander_ratio',
      unit: 'ratio',
      better: 'higher',
      description: 'bystander throughput during the outage / before it (about 1: unaffected)',
    },
    {
      name: 'failed_calls',
      unit: 'calls',
      better: 'lower',
      description: 'calls of both workloads (server and clients) that returned an error',
    },
    {
      name: 'lost_calls',
      unit: 'calls',
      better: 'lower',
      description: 'calls issued and never answered (must be 0 where the system survives)',
    },
    {
      name: 'recovery_ms',
      unit: 'ms',
      better: 'lower',
      description:
        "from the restart to the affected server's first successful call (native: the whole window after, as it " +
        'never recovers)',
    },
    {
      name: 'survived',
      unit: 'bool',
      better: 'higher',
      description: '1: the machine kept running through the crash; 0: it went down with it',
    },
  ],
  claimCheck(rows) {
    const v = rows.filter((r) => r.system === 'virtuos')
    if (v.length === 0) return {holds: null, detail: 'virtuos was not run'}
    const get = (domain: string, metric: string) =>
      v.find((r) => r.params.domain === domain && r.metric === metric)?.value
    const parts: string[] = []
    let holds = true
    for (const d of FAULT_DOMAINS) {
      const ratio = get(d, 'bystander_ratio')
      const lost = get(d, 'lost_calls')
      const after = get(d, 'affected_after')
      if (ratio === undefined || lost === undefined || after === undefined) continue
      const ok = ratio >= 0.9 && lost === 0 && after > 0
      holds &&= ok
      parts.push(
        `${d} crash: bystander kept ${(ratio * 100).toFixed(0)}% of its throughput, ${lost} calls lost, ` +
          `affected workload back at ${after.toFixed(0)} ops/s`,
      )
    }
    if (parts.length === 0) return {holds: null, detail: 'no virtuos rows with the needed metrics'}
    return {holds, detail: parts.join('; ')}
  },
  run: runSummaryPoint,
}

export const faultRecoveryTimeline: ExperimentDef = {
  id: 'fault-recovery-timeline',
  title: 'Fault containment and recovery over time: throughput per bucket around a service-domain crash',
  reproduces: 'VirtuOS evaluation: fault containment and failure recovery (the timeline of fault-recovery)',
  axes: [
    domainAxis,
    restartAxis,
    {
      name: 't_ms',
      quick: buckets(QUICK_TIMING),
      full: buckets(FULL_TIMING),
      unit: 'ms',
      description:
        `start of a time bucket (${QUICK_TIMING.bucketMs} ms quick, ${FULL_TIMING.bucketMs} ms full); ` +
        `crash at ${QUICK_TIMING.crashMs} / ${FULL_TIMING.crashMs} ms`,
    },
  ],
  get systems() {
    return faultSystems()
  },
  claim: TIMELINE_CLAIM,
  claimCheck: timelineCheck,
  metrics: [
    {
      name: 'affected_ops_s',
      unit: 'ops/s',
      better: 'higher',
      description: 'throughput in the bucket of the workload using the crashed domain',
    },
    {
      name: 'bystander_ops_s',
      unit: 'ops/s',
      better: 'higher',
      description: 'throughput in the bucket of the other workload',
    },
    {
      name: 'failed_calls_s',
      unit: 'calls/s',
      better: 'lower',
      description: 'calls returning an error in the bucket, both workloads',
    },
  ],
  run: runTimelinePoint,
}

interface ScenarioRun {
  timing: FaultTiming
  cps: number
  result: FaultScenarioResult
  affected: CallLedger
  bystander: CallLedger
  /** The server-side ledger of the affected workload (its first successful call after the restart). */
  affectedServer: CallLedger
}

/** Per process: the timeline's points reuse the run of their (system, domain, seed). */
const memo = new Map<string, ScenarioRun>()

/** Run seeds the timeline looks for behind its points' seeds (see scenarioSeed). */
const RUN_SEED_SEARCH = 1 << 16

/**
 * The seed of the simulation behind a point. A summary point runs its own: ctx.seed. The timeline's
 * points (one per bucket) must share one run, but each gets its own seed, a hash of (run seed, point)
 * (points.ts), and the run seed is not in the context. So it finds the smallest run seed below
 * RUN_SEED_SEARCH whose hash for this point is ctx.seed (a pure function of ctx.seed, as run() must
 * be) and uses the seed of the summary's point (domain, restart) under that run seed: the timeline
 * is then the very run the summary reports. A larger run seed is not found: each bucket then runs
 * its own simulation from its own seed (right, but one run per bucket). Stopgap until the runner
 * hands experiments the run seed.
 */
function scenarioSeed(point: Point, ctx: RunContext): number {
  if (point.t_ms === undefined) return ctx.seed
  const summaryPoint = {domain: point.domain, restart_ms: point.restart_ms}
  for (let run = 0; run < RUN_SEED_SEARCH; run++) {
    if (pointSeed(run, faultRecoveryTimeline.id, point) === ctx.seed)
      return pointSeed(run, faultRecovery.id, summaryPoint)
  }
  return ctx.seed
}

function scenario(point: Point, system: SystemId, ctx: RunContext): ScenarioRun {
  const domain = String(point.domain) as FaultDomain
  const nominal = {...(ctx.quick ? QUICK_TIMING : FULL_TIMING), restartMs: Number(point.restart_ms)}
  const seed = scenarioSeed(point, ctx)
  const key = `${system}|${domain}|${JSON.stringify(nominal)}|${ctx.profile.hash}|${seed}`
  const hit = memo.get(key)
  if (hit) return hit
  const w = faultRecoveryWorkload()
  const params = ctx.profile.params
  const cps = params.clockHz
  const ms = (v: number) => Math.round((v * cps) / 1000)
  // the crash that happens (nominal + the seed's jitter); the observation keeps its length after it
  const crashAt = crashInstant(seed, ms(nominal.crashMs), ms(w.crashJitterUs.value / 1000))
  const timing = {...nominal, crashMs: (crashAt * 1000) / cps}
  const s: FaultScenario = {
    shape: {
      fileThreads: w.fileThreads.value,
      fileBytes: w.fileBytes.value,
      blockBytes: w.blockBytes.value,
      fileThinkInstructions: w.fileThinkInstructions.value,
      netClients: w.netClients.value,
      requestBytes: w.requestBytes.value,
      responseBytes: w.responseBytes.value,
      serverInstructions: w.serverInstructions.value,
      clientThinkInstructions: w.clientThinkInstructions.value,
      retryCycles: ms(w.retryUs.value / 1000),
      port: w.port.value,
      clientStartSpreadCycles: ms(w.clientStartSpreadUs.value / 1000),
    },
    domain,
    crashAtCycles: crashAt,
    restartDelayCycles: ms(timing.restartMs),
    endCycles: crashAt + ms(timing.restartMs + timing.afterMs),
  }
  const result = runFaultScenario(seed, params, system, s)
  const storage = domain === 'storage'
  const run: ScenarioRun = {
    timing,
    cps,
    result,
    affected: storage ? result.files : result.netClients,
    bystander: storage ? result.netClients : result.files,
    affectedServer: storage ? result.files : result.netServer,
  }
  if (memo.size >= 16) memo.clear()
  memo.set(key, run)
  return run
}

function runSummaryPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const {timing: t, cps, result, affected, bystander, affectedServer} = scenario(point, system, ctx)
  const at = (msValue: number) => Math.round((msValue * cps) / 1000)
  const rate = (l: CallLedger, fromMs: number, toMs: number) => l.opsIn(at(fromMs), at(toMs)) / ((toMs - fromMs) / 1000)
  const restartMs = t.crashMs + t.restartMs
  const ledgers = [result.files, result.netServer, result.netClients]
  const lost = ledgers.reduce((n, l) => n + l.outstanding, 0)
  const failed = ledgers.reduce((n, l) => n + l.failed, 0)
  const before = {a: rate(affected, t.warmupMs, t.crashMs), b: rate(bystander, t.warmupMs, t.crashMs)}
  const during = {a: rate(affected, t.crashMs, restartMs), b: rate(bystander, t.crashMs, restartMs)}
  const after = {a: rate(affected, restartMs, endMs(t)), b: rate(bystander, restartMs, endMs(t))}
  const firstOk = affectedServer.firstOkAfter(at(restartMs))
  const recoveryMs = firstOk === null ? t.afterMs : ((firstOk - at(restartMs)) * 1000) / cps
  const notes: string[] = []
  if (result.machineDown) {
    notes.push(
      `the ${point.domain} crash is a kernel crash: the machine stopped at ${t.crashMs.toFixed(3)} ms with ${lost} calls in flight`,
    )
  } else if (!result.finished) notes.push(`a workload did not finish within ${endMs(t)} ms + grace`)
  return {
    metrics: {
      affected_before: before.a,
      affected_during: during.a,
      affected_after: after.a,
      bystander_before: before.b,
      bystander_during: during.b,
      bystander_after: after.b,
      bystander_ratio: before.b > 0 ? during.b / before.b : 0,
      failed_calls: failed,
      lost_calls: lost,
      recovery_ms: recoveryMs,
      survived: result.machineDown ? 0 : 1,
    },
    engine: result.engine,
    ...(notes.length > 0 ? {notes} : {}),
  }
}

function runTimelinePoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const {timing: t, cps, result, affected, bystander} = scenario(point, system, ctx)
  const from = Number(point.t_ms)
  const to = from + t.bucketMs
  const at = (msValue: number) => Math.round((msValue * cps) / 1000)
  const perS = (n: number) => n / (t.bucketMs / 1000)
  const ledgers = [result.files, result.netServer, result.netClients]
  // the engine work is the scenario's; only the first bucket carries it, so totals are not multiplied
  const none = {events: 0, simulatedCycles: 0, hostSeconds: 0, eventsPerSecond: 0}
  const engine = from === 0 ? result.engine : {...result.engine, ...none}
  return {
    metrics: {
      affected_ops_s: perS(affected.opsIn(at(from), at(to))),
      bystander_ops_s: perS(bystander.opsIn(at(from), at(to))),
      failed_calls_s: perS(ledgers.reduce((n, l) => n + l.failsIn(at(from), at(to)), 0)),
    },
    engine,
  }
}

/** The timing whose buckets are exactly the rows' (quick or full, with the rows' restart delay). */
function timingOf(rows: readonly ResultRow[]): FaultTiming | undefined {
  const restart = Number(rows[0]?.params.restart_ms)
  const ts = [...new Set(rows.map((r) => Number(r.params.t_ms)))].sort((a, b) => a - b)
  return [QUICK_TIMING, FULL_TIMING]
    .map((t) => ({...t, restartMs: restart}))
    .find((t) => {
      const want = buckets(t)
      return want.length === ts.length && want.every((v, i) => v === ts[i])
    })
}

/** Checks TIMELINE_CLAIM on the virtuos rows, one crashed domain at a time. */
export function timelineCheck(rows: readonly ResultRow[]): ClaimVerdict {
  const v = rows.filter((r) => r.system === 'virtuos')
  if (v.length === 0) return {holds: null, detail: 'virtuos was not run'}
  const parts: string[] = []
  let holds = true
  for (const d of FAULT_DOMAINS) {
    const mine = v.filter((r) => r.params.domain === d)
    if (mine.length === 0) continue
    const t = timingOf(mine)
    if (!t) return {holds: null, detail: `the ${d} rows' time buckets match neither the quick nor the full timing`}
    const inBucket = (r: ResultRow, from: number, to: number) =>
      Number(r.params.t_ms) >= from && Number(r.params.t_ms) + t.bucketMs <= to
    const series = (metric: string, from: number, to: number) =>
      mine.filter((r) => r.metric === metric && inBucket(r, from, to)).map((r) => r.value)
    const restartAt = t.crashMs + t.restartMs
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    const before = {
      a: mean(series('affected_ops_s', t.warmupMs, t.crashMs)),
      b: mean(series('bystander_ops_s', t.warmupMs, t.crashMs)),
    }
    const down = {
      a: series('affected_ops_s', t.crashMs, restartAt),
      b: series('bystander_ops_s', t.crashMs, restartAt),
      f: series('failed_calls_s', t.crashMs, restartAt),
    }
    const after = mean(series('affected_ops_s', restartAt, Infinity))
    const outside = [...series('failed_calls_s', 0, t.crashMs), ...series('failed_calls_s', restartAt, Infinity)]
    const failedOutside = outside.filter((x) => x !== 0).length
    if (!(before.a > 0 && before.b > 0) || down.b.length === 0 || Number.isNaN(after)) {
      return {holds: null, detail: `the ${d} rows lack the buckets before, during or after the outage`}
    }
    const bRange = [Math.min(...down.b) / before.b, Math.max(...down.b) / before.b]
    const aPeak = Math.max(...down.a) / before.a
    const failing = down.f.filter((x) => x > 0).length
    const contained = bRange[0] >= 1 - TOLERANCE && aPeak < TOLERANCE && after >= (1 - TOLERANCE) * before.a
    const ok = contained && failing === down.f.length && failedOutside === 0
    holds &&= ok
    parts.push(
      `${d} crash: bystander at ${pctOf(bRange[0])}-${pctOf(bRange[1])} of its pre-crash ${before.b.toFixed(0)} ops/s ` +
        `while down, affected at most ${pctOf(aPeak)} of its ${before.a.toFixed(0)} ops/s while down and ` +
        `${pctOf(after / before.a)} after the restart; ` +
        `failed calls in ${failing} of ${down.f.length} outage buckets and ${failedOutside} buckets outside it`,
    )
  }
  if (parts.length === 0) return {holds: null, detail: 'no virtuos rows with a crashed domain'}
  return {holds, detail: parts.join('; ')}
}
