/**
 * fault-recovery: a service domain crashes under load and restarts; does the rest keep running?
 * Two workloads run at once (src/workloads/faults.ts): a file server using only the storage domain
 * and a request/response service across the NIC using only the network domain. `param_domain` says
 * which domain crashes; the workload using its device is "affected", the other one "other".
 * `other_depends` says whether the other one depends on the crashed domain too: under VirtuOS it
 * does not (its device is in the other service domain: a bystander); under driver-domain one
 * driver domain holds both devices, so a crash of "either" is a crash of the one both depend on.
 * `param_file_threads` (fault-recovery only) is the file server's thread count: the workload file's 2,
 * and 4, where its spinning carriers hold the primary's cores and the other workload gets timeslices;
 * the claim is judged at both.
 *
 * Timing: --full crashes at 1 s, restarts after the release's 3 s, watches 2 s more. --quick keeps
 * the shape with the restart delay scaled down to 300 ms (crash at 200 ms, 300 ms after), so quick
 * runs stay short; `param_restart_ms` states the delay used.
 *
 * Native is not run: it has no service domains, so a crash of its storage or network stack is a
 * kernel panic that takes the whole machine; its recovery is a reboot (firmware and boot, tens of
 * seconds at least), far beyond the observation window, so every figure would be a zero or a
 * censored time, not a measurement.
 *
 * A driver-domain crash loses the frames and block requests on its rings: TCP sends the frames
 * again after its retransmission timeouts and blkfront re-issues the requests once reconnected;
 * `retransmitted_segments` and `reissued_block_requests` count them (the timeline: retransmits_s).
 *
 * A multiserver crash is one server's: the storage server's block driver (Minix 3's restartable
 * component: the file server keeps its state and re-issues the driver's lost requests, counted in
 * `reissued_block_requests`), or the network server with its TCP state (sockets die, as VirtuOS's).
 *
 * `fault-recovery-timeline` is the scenario as a time series (`param_t_ms`, one bucket per point) on
 * the time scale of VirtuOS's failure recovery plot (talk slide 24 and poster,
 * references/fault-recovery-timeline.json), with the plot's workload: two bulk transfers instead of
 * the request loops (src/workloads/bulk-transfer.ts): an 8 GiB file on /storage read front to back
 * in 128 KiB reads, and a remote client downloading a large object over one TCP connection from a
 * server process on the primary (64 KiB writes, 16 KiB reads). --full crashes at 29 s, restarts 31 s
 * later (at ~60 s) and watches to 70 s in 1 s buckets; --quick is the same shape 100 times shorter in
 * 50 ms buckets (crash at 300 ms, restart 300 ms later, 150 ms after). Per bucket: each transfer's
 * MB/s (the plot's y axis: the bytes its reads returned), failed calls and TCP retransmissions. After
 * a network-domain crash the client reconnects and asks for the rest (its connection's TCP state
 * died with the domain; see bulk-transfer.ts); under driver-domain the connection survives and TCP's
 * backed-off retransmission timer resumes it. The timeline's claim is judged on each run's own
 * transfers: the one using the crashed domain (`<domain>_mb_s`) and the other one.
 *
 * The seed moves the crash instant (nominal + a jitter of up to crashJitterUs,
 * workloads/fault-recovery.json), the clients' connection times and the disk's phase; the summary's
 * windows follow the crash that happened. The timeline's seed leaves out its bucket axis (seedAxes),
 * so its points share one simulation per (system, domain, seed) in each process.
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
  type TransferShape,
} from '../workloads/fault-scenario.js'
import {countIn, type CallLedger} from '../workloads/faults.js'
import {referencePoints} from './references.js'
import {
  above,
  atBound,
  atBoundClause,
  below,
  decide,
  describePoint,
  meanInterval,
  quotient,
  ratioClause,
  timesText,
  valueClause,
  valueInterval,
  valueText,
  type Judged,
} from './claims.js'
import type {Clause, ExperimentDef, ParamValue, Point, PointResult, ResultRow, RunContext, SystemId} from './types.js'

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
    transferFileBytes: sourced(positiveInt()),
    transferReadBytes: sourced(positiveInt()),
    streamBytes: sourced(positiveInt()),
    streamWriteBytes: sourced(positiveInt()),
    streamReadBytes: sourced(positiveInt()),
    streamRequestBytes: sourced(positiveInt()),
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

/** The timeline's: the failure recovery plot's 70 s (crash ~29 s, restart ~60 s), and 100 times shorter. */
export const TIMELINE_QUICK: FaultTiming = {warmupMs: 50, crashMs: 300, restartMs: 300, afterMs: 150, bucketMs: 50}
export const TIMELINE_FULL: FaultTiming = {
  warmupMs: 2000,
  crashMs: 29000,
  restartMs: 31000,
  afterMs: 10000,
  bucketMs: 1000,
}

const endMs = (t: FaultTiming) => t.crashMs + t.restartMs + t.afterMs
const buckets = (t: FaultTiming) => Array.from({length: endMs(t) / t.bucketMs}, (_, i) => i * t.bucketMs)

/** virtuos, plus driver-domain and multiserver once designs by those names are registered (native: see the header). */
function faultSystems(): SystemId[] {
  const registered = dispatchPaths()
  return ['virtuos', ...(['driver-domain', 'multiserver'] as const).filter((s) => registered.includes(s))]
}

const domainAxis = {
  name: 'domain',
  quick: [...FAULT_DOMAINS],
  full: [...FAULT_DOMAINS],
  description: 'the service domain that crashes',
}
/** File-server threads: the workload file's 2, and 4, where the bystander could starve (its own point). */
const fileThreadsAxis = {
  name: 'file_threads',
  quick: [2, 4],
  full: [2, 4],
  unit: 'threads',
  description:
    "the file server's user threads (2: the workload file's choice; with 4 its spinning carriers can hold the " +
    "primary's 4 cores and squeeze the other workload); the timeline runs the workload file's",
}
const restartAxis = {
  name: 'restart_ms',
  quick: [QUICK_TIMING.restartMs],
  full: [FULL_TIMING.restartMs],
  unit: 'ms',
  description: 'restart delay (the release waits 3 s; --quick scales it down)',
}

const timelineRestartAxis = {
  ...restartAxis,
  quick: [TIMELINE_QUICK.restartMs],
  full: [TIMELINE_FULL.restartMs],
  description: "restart delay (the failure recovery plot's ~31 s; --quick scales it down 100 times)",
}

/** The margin of every "keeps" / "drops" / "back to" below, as a fraction. */
const TOLERANCE = 0.1
const pctOf = (x: number) => `${Math.round(x * 100)}%`
const KEEP = 1 - TOLERANCE
/** The workloads' retry pause after a failed call (workloads/fault-recovery.json retryUs), in ms. */
export const RETRY_MS = 10

/**
 * The claim, one clause per sentence, on the virtuos rows (driver-domain is there to compare, not
 * under test). Every clause covers both
 * crashed domains and both file-server thread counts (file_threads): the 4-thread point is where
 * the spinning carriers could starve the bystander, so it is judged like the 2-thread one.
 */
const SUMMARY_CLAUSES: readonly Clause[] = [
  atBoundClause({
    text: 'The prototype survives the failure of an individual service domain: the machine keeps running in every run',
    system: 'virtuos',
    metric: 'survived',
    bound: 1,
  }),
  valueClause({
    text:
      `While the domain is down, the workload not using it keeps at least ${pctOf(KEEP)} of its pre-crash ` +
      'throughput (other_ratio above 0.9), for either crashed domain with 2 or 4 file-server threads',
    system: 'virtuos',
    metric: 'other_ratio',
    side: 'above',
    threshold: KEEP,
    margin: TOLERANCE,
  }),
  valueClause({
    text: 'Calls into the failed domain fail with an error: more than 0 failed calls at every point',
    system: 'virtuos',
    metric: 'failed_calls',
    side: 'above',
    threshold: 0,
  }),
  atBoundClause({
    text: 'and none is lost: 0 calls left unanswered, in every run at every point',
    system: 'virtuos',
    metric: 'lost_calls',
    bound: 0,
  }),
  ratioClause({
    text:
      `The workload using the failed domain recovers after the restart: back to at least ${pctOf(KEEP)} of its ` +
      'pre-crash throughput (affected_after / affected_before above 0.9) at every point',
    system: 'virtuos',
    metric: 'affected_after',
    of: 'affected_before',
    side: 'above',
    threshold: KEEP,
    margin: TOLERANCE,
  }),
]

export const faultRecovery: ExperimentDef = {
  id: 'fault-recovery',
  designSpace: {metric: 'other_ratio', point: {domain: 'storage', file_threads: 2}}, // containment; the workload's threads
  title: 'Fault containment and recovery: one service domain crashes under two concurrent workloads',
  reproduces:
    'VirtuOS evaluation: "fault containment and failure recovery were tested" (the prototype survives the failure of ' +
    'individual service domains)',
  clauses: SUMMARY_CLAUSES,
  axes: [domainAxis, fileThreadsAxis, restartAxis],
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
      name: 'other_before',
      unit: 'ops/s',
      better: 'higher',
      description:
        'throughput of the other workload (the one using the other device) before the crash; whether it depends ' +
        'on the crashed domain too: other_depends',
    },
    {name: 'other_during', unit: 'ops/s', better: 'higher', description: '... while the domain is down'},
    {name: 'other_after', unit: 'ops/s', better: 'higher', description: '... after the restart'},
    {
      name: 'other_ratio',
      unit: 'ratio',
      better: 'higher',
      description: "the other workload's throughput during the outage / before it (about 1: unaffected)",
    },
    {
      name: 'other_depends',
      unit: 'bool',
      better: 'lower',
      description:
        "1: the crashed domain holds the other workload's device too (driver-domain: one domain for both), so both " +
        'workloads depend on it; 0: the other workload is a bystander (virtuos: its device is in the other domain)',
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
        'from the restart to the first operation the affected workload completes (a file request; a request/response ' +
        'as its client sees it); a successful call that moves nothing (a poll timing out) is no recovery',
    },
    {
      name: 'survived',
      unit: 'bool',
      better: 'higher',
      description:
        '1: the machine kept running through the crash: a workload completed an operation after it; 0: nothing ' +
        'completed after the crash',
    },
    {
      name: 'retransmitted_segments',
      unit: 'segments',
      better: 'lower',
      description: 'TCP segments (data, FIN, SYN) sent again after a retransmission timeout, server and client stacks',
    },
    {
      name: 'reissued_block_requests',
      unit: 'requests',
      better: 'lower',
      description: "block requests blkfront issued again after the driver domain's restart (lost on its ring)",
    },
  ],
  run: runSummaryPoint,
}

/**
 * The timeline's claim, bucket by bucket, on the virtuos rows; each bucket is judged on its interval
 * against the mean of the pre-crash buckets [warmup, crash). The last clause is about the restart's
 * bucket: see its text and failuresStop.
 */
const TIMELINE_CLAUSES: readonly Clause[] = [
  timelineClause(
    `While the domain is down, the transfer not using it keeps at least ${pctOf(KEEP)} of its pre-crash ` +
      'MB/s in every bucket of the outage',
    TOLERANCE,
    `the other transfer's MB/s above ${KEEP}x its pre-crash mean in every outage bucket`,
    outageVsPreCrash('other', 'above', KEEP),
  ),
  timelineClause(
    `while the transfer using it drops below ${pctOf(TOLERANCE)} of its own in every bucket of the outage`,
    TOLERANCE,
    `the affected transfer's MB/s below ${TOLERANCE}x its pre-crash mean in every outage bucket`,
    outageVsPreCrash('affected', 'below', TOLERANCE),
  ),
  timelineClause(
    `After the restart the latter is back to at least ${pctOf(KEEP)} of its pre-crash MB/s, on average ` +
      'over the buckets after the restart',
    TOLERANCE,
    `the affected transfer's MB/s after the restart above ${KEEP}x its pre-crash mean`,
    recoveredAfter,
  ),
  timelineClause(
    'Calls fail with an error in every bucket of the outage and in no bucket before the crash (lost calls are ' +
      'counted by fault-recovery)',
    null,
    'failed_calls_s above 0 in every outage bucket and 0 in every run before the crash',
    failuresWhileDown,
  ),
  timelineClause(
    `After the restart calls stop failing within one retry pause (${RETRY_MS} ms): the bucket the restart opens ` +
      `holds fewer failed calls than ${RETRY_MS} ms of the outage, later buckets none (in that pause a client that ` +
      'reconnects before its server has listened again is refused: whether one is depends on where the retries ' +
      'fall against the restart, not on the domain)',
    null,
    `failed_calls_s in the restart's bucket below ${RETRY_MS} ms of the outage's and 0 in every run after it`,
    failuresStop,
  ),
]

export const faultRecoveryTimeline: ExperimentDef = {
  id: 'fault-recovery-timeline',
  designSpace: {omitted: "the time series of fault-recovery's scenario, which fault-recovery's summary stands for"},
  title: 'Fault containment and recovery over time: throughput per bucket around a service-domain crash',
  reproduces:
    "VirtuOS failure recovery plot (Nikolaev & Back, VirtuOS SOSP'13 talk slides, slide 24, and poster): MB/s of a " +
    'storage and a network transfer over time, the network domain killed at ~29 s and restarted at ~60 s',
  axes: [
    domainAxis,
    timelineRestartAxis,
    {
      name: 't_ms',
      quick: buckets(TIMELINE_QUICK),
      full: buckets(TIMELINE_FULL),
      unit: 'ms',
      description:
        `start of a time bucket (${TIMELINE_QUICK.bucketMs} ms quick, ${TIMELINE_FULL.bucketMs} ms full); ` +
        `crash at ${TIMELINE_QUICK.crashMs} / ${TIMELINE_FULL.crashMs} ms`,
    },
  ],
  get systems() {
    return faultSystems()
  },
  // every bucket of one run has the run's seed: one simulation serves them all
  seedAxes: ['domain', 'restart_ms'],
  clauses: TIMELINE_CLAUSES,
  metrics: [
    {
      name: 'storage_mb_s',
      unit: 'MB/s',
      better: 'higher',
      description:
        "the storage transfer (a large file read front to back in 128 KiB reads): bytes read in the bucket's completed reads",
    },
    {
      name: 'network_mb_s',
      unit: 'MB/s',
      better: 'higher',
      description:
        "the network transfer (a remote client downloading a large object over TCP): bytes the client received in the bucket's completed reads",
    },
    {
      name: 'failed_calls_s',
      unit: 'calls/s',
      better: 'lower',
      description: 'calls returning an error in the bucket, both transfers (server and client)',
    },
    {
      name: 'retransmits_s',
      unit: 'segments/s',
      better: 'lower',
      description: 'TCP segments sent again after a retransmission timeout in the bucket, server and client stacks',
    },
  ],
  get reference() {
    return referencePoints('fault-recovery-timeline')
  },
  run: runTimelinePoint,
}

/** The quick and full timings of an experiment. */
interface Timings {
  quick: FaultTiming
  full: FaultTiming
  /** The workloads: the request loops (fault-recovery) or the bulk transfers (the timeline). */
  transfers: boolean
}
const SUMMARY_TIMING: Timings = {quick: QUICK_TIMING, full: FULL_TIMING, transfers: false}
const TIMELINE_TIMING: Timings = {quick: TIMELINE_QUICK, full: TIMELINE_FULL, transfers: true}

interface ScenarioRun {
  timing: FaultTiming
  cps: number
  result: FaultScenarioResult
  affected: CallLedger
  other: CallLedger
}

/** Per process: the timeline's points reuse the run of their (system, domain, seed). */
const memo = new Map<string, ScenarioRun>()

function scenario(point: Point, system: SystemId, ctx: RunContext, timings = SUMMARY_TIMING): ScenarioRun {
  const domain = String(point.domain) as FaultDomain
  const nominal = {...(ctx.quick ? timings.quick : timings.full), restartMs: Number(point.restart_ms)}
  const seed = ctx.seed
  const workload = timings.transfers ? 'transfers' : 'requests'
  const key = `${system}|${domain}|${workload}|${point.file_threads ?? '-'}|${JSON.stringify(nominal)}|${ctx.profile.hash}|${seed}`
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
      fileThreads: point.file_threads === undefined ? w.fileThreads.value : Number(point.file_threads),
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
      ...(timings.transfers ? {transfers: transferShape(w)} : {}),
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
    other: storage ? result.netClients : result.files,
  }
  if (memo.size >= 16) memo.clear()
  memo.set(key, run)
  return run
}

function runSummaryPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const {timing: t, cps, result, affected, other} = scenario(point, system, ctx)
  const at = (msValue: number) => Math.round((msValue * cps) / 1000)
  const rate = (l: CallLedger, fromMs: number, toMs: number) => l.opsIn(at(fromMs), at(toMs)) / ((toMs - fromMs) / 1000)
  const restartMs = t.crashMs + t.restartMs
  const ledgers = [result.files, result.netServer, result.netClients]
  const lost = ledgers.reduce((n, l) => n + l.outstanding, 0)
  const failed = ledgers.reduce((n, l) => n + l.failed, 0)
  const before = {a: rate(affected, t.warmupMs, t.crashMs), b: rate(other, t.warmupMs, t.crashMs)}
  const during = {a: rate(affected, t.crashMs, restartMs), b: rate(other, t.crashMs, restartMs)}
  const after = {a: rate(affected, restartMs, endMs(t)), b: rate(other, restartMs, endMs(t))}
  const firstOp = affected.firstOpAfter(at(restartMs))
  const recoveryMs = firstOp === null ? t.afterMs : ((firstOp - at(restartMs)) * 1000) / cps
  const otherDomain = point.domain === 'storage' ? 'network' : 'storage'
  const notes: string[] = []
  if (!result.finished) notes.push(`a workload did not finish within ${endMs(t)} ms + grace`)
  if (firstOp === null)
    notes.push('the affected workload completed no operation after the restart (recovery_ms censored)')
  return {
    metrics: {
      affected_before: before.a,
      affected_during: during.a,
      affected_after: after.a,
      other_before: before.b,
      other_during: during.b,
      other_after: after.b,
      other_ratio: before.b > 0 ? during.b / before.b : 0,
      other_depends: result.scope.includes(otherDomain) ? 1 : 0,
      failed_calls: failed,
      lost_calls: lost,
      recovery_ms: recoveryMs,
      survived: affected.opsIn(at(t.crashMs), Infinity) + other.opsIn(at(t.crashMs), Infinity) > 0 ? 1 : 0,
      retransmitted_segments: result.retransmitTimes.length,
      reissued_block_requests: result.reissuedBlockRequests,
    },
    engine: result.engine,
    ...(notes.length > 0 ? {notes} : {}),
  }
}

/** The bulk transfers' shape from the workload file. */
function transferShape(w: FaultRecoveryWorkload): TransferShape {
  return {
    fileBytes: w.transferFileBytes.value,
    readBytes: w.transferReadBytes.value,
    streamBytes: w.streamBytes.value,
    writeBytes: w.streamWriteBytes.value,
    recvBytes: w.streamReadBytes.value,
    requestBytes: w.streamRequestBytes.value,
  }
}

function runTimelinePoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const {timing: t, cps, result} = scenario(point, system, ctx, TIMELINE_TIMING)
  const from = Number(point.t_ms)
  const to = from + t.bucketMs
  const at = (msValue: number) => Math.round((msValue * cps) / 1000)
  const perS = (n: number) => n / (t.bucketMs / 1000)
  const mbS = (l: CallLedger) => perS(l.bytesIn(at(from), at(to))) / 1e6
  const ledgers = [result.files, result.netServer, result.netClients]
  // the engine work and the run's notes are the scenario's; only the first bucket carries them
  const first = from === 0
  const none = {events: 0, simulatedCycles: 0, hostSeconds: 0, eventsPerSecond: 0}
  const notes = first ? transferNotes(result, t) : []
  return {
    metrics: {
      storage_mb_s: mbS(result.files),
      network_mb_s: mbS(result.netClients),
      failed_calls_s: perS(ledgers.reduce((n, l) => n + l.failsIn(at(from), at(to)), 0)),
      retransmits_s: perS(countIn(result.retransmitTimes, at(from), at(to))),
    },
    engine: first ? result.engine : {...result.engine, ...none},
    ...(notes.length > 0 ? {notes} : {}),
  }
}

/** What a timeline run should say about its transfers: a file read through, the client's connections. */
function transferNotes(result: FaultScenarioResult, t: FaultTiming): string[] {
  const notes = [`the download client opened ${result.downloadConnections} connection(s)`]
  if (result.filePasses > 0)
    notes.push(`the file read reached the file's end ${result.filePasses} time(s): later passes may hit the page cache`)
  if (!result.finished) notes.push(`a transfer did not finish within ${endMs(t)} ms + grace`)
  return notes
}

/** The timing whose buckets are exactly the rows' (quick or full, with the rows' restart delay). */
function timingOf(rows: readonly ResultRow[]): FaultTiming | undefined {
  const restart = Number(rows[0]?.params.restart_ms)
  const ts = [...new Set(rows.map((r) => Number(r.params.t_ms)))].sort((a, b) => a - b)
  return [TIMELINE_QUICK, TIMELINE_FULL]
    .map((t) => ({...t, restartMs: restart}))
    .find((t) => {
      const want = buckets(t)
      return want.length === ts.length && want.every((v, i) => v === ts[i])
    })
}

/** One crashed domain's virtuos timeline (its rows grouped by every axis but t_ms) and its timing. */
interface Series {
  t: FaultTiming
  restartAt: number
  /** The transfers' metrics: the one using the crashed domain and the other one. */
  metric: {affected: string; other: string}
  /** The rows of `metric` whose bucket lies wholly in [fromMs, toMs). */
  in(metric: string, fromMs: number, toMs: number): ResultRow[]
}

/** The virtuos timelines in the rows; `unmatched` names the groups whose buckets fit neither timing. */
function seriesOf(rows: readonly ResultRow[]): {series: Series[]; unmatched: string[]} {
  const groups = new Map<string, ResultRow[]>()
  for (const r of rows) {
    if (r.system !== 'virtuos' || !('t_ms' in r.params)) continue
    const rest: Record<string, ParamValue> = {...r.params}
    delete rest.t_ms
    const key = describePoint(rest)
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const series: Series[] = []
  const unmatched: string[] = []
  for (const [key, mine] of groups) {
    const t = timingOf(mine)
    if (!t) {
      unmatched.push(key)
      continue
    }
    const within = (r: ResultRow, from: number, to: number) =>
      Number(r.params.t_ms) >= from && Number(r.params.t_ms) + t.bucketMs <= to
    const inWindow = (metric: string, from: number, to: number) =>
      mine.filter((r) => r.metric === metric && within(r, from, to))
    const affected = String(mine[0].params.domain)
    const other = affected === 'storage' ? 'network' : 'storage'
    const metric = {affected: `${affected}_mb_s`, other: `${other}_mb_s`}
    series.push({t, restartAt: t.crashMs + t.restartMs, metric, in: inWindow})
  }
  return {series, unmatched}
}

/** A timeline clause: `judge` gives each timeline's judged buckets; the clause holds when every one does. */
function timelineClause(text: string, margin: number | null, summary: string, judge: (s: Series) => Judged[]): Clause {
  return {
    text,
    margin,
    systems: ['virtuos'], // seriesOf reads virtuos's timeline
    check(rows) {
      const {series, unmatched} = seriesOf(rows)
      if (unmatched.length > 0) {
        const detail = `${summary}: the time buckets of ${unmatched.join('; ')} fit neither the quick nor the full timing`
        return {verdict: 'untested', detail, points: []}
      }
      return decide(series.flatMap(judge), 'every', summary)
    },
  }
}

const preCrash = (s: Series, metric: string) => s.in(metric, s.t.warmupMs, s.t.crashMs)

/** Each outage bucket of a transfer's MB/s over the mean of its pre-crash buckets, `side` of `threshold`. */
function outageVsPreCrash(transfer: 'affected' | 'other', side: 'above' | 'below', threshold: number) {
  return (s: Series): Judged[] => {
    const metric = s.metric[transfer]
    const pre = preCrash(s, metric)
    if (pre.length === 0) return []
    const ref = meanInterval(pre.map(valueInterval))
    return s.in(metric, s.t.crashMs, s.restartAt).map((row, i) => {
      const iv = quotient(valueInterval(row), ref)
      const tri = side === 'above' ? above(iv, threshold) : below(iv, threshold)
      return {row, tri, shown: `${timesText(iv)} pre-crash`, ...(i === 0 ? {with: pre} : {})}
    })
  }
}

/** The affected workload's mean over the buckets after the restart over its pre-crash mean. */
function recoveredAfter(s: Series): Judged[] {
  const pre = preCrash(s, s.metric.affected)
  const after = s.in(s.metric.affected, s.restartAt, Infinity)
  if (pre.length === 0 || after.length === 0) return []
  const iv = quotient(meanInterval(after.map(valueInterval)), meanInterval(pre.map(valueInterval)))
  const shown = `${timesText(iv)} pre-crash over the ${after.length} buckets after the restart, the first`
  return [{row: after[0], tri: above(iv, KEEP), shown, with: [...after.slice(1), ...pre]}]
}

/** Failed calls in every bucket of the outage (interval above 0) and none in any bucket before the crash. */
function failuresWhileDown(s: Series): Judged[] {
  const down = s.in('failed_calls_s', s.t.crashMs, s.restartAt).map((row) => {
    const iv = valueInterval(row)
    return {row, tri: above(iv, 0), shown: `${valueText(iv)} calls/s while down`}
  })
  const before = s.in('failed_calls_s', 0, s.t.crashMs).map((row) => {
    return {row, tri: atBound(row.value, 0), shown: `${valueText(valueInterval(row))} calls/s before the crash`}
  })
  return [...down, ...before]
}

/**
 * Failures stop within one retry pause of the restart: the restart's bucket holds fewer failed calls
 * than RETRY_MS of the outage do (its rate over the outage's below RETRY_MS / bucketMs, so one
 * refused reconnect reads the same in 50 ms and 250 ms buckets); none in any later bucket.
 */
function failuresStop(s: Series): Judged[] {
  const down = s.in('failed_calls_s', s.t.crashMs, s.restartAt)
  if (down.length === 0) return []
  const ref = meanInterval(down.map(valueInterval))
  const first = s.in('failed_calls_s', s.restartAt, s.restartAt + s.t.bucketMs).map((row) => {
    const iv = quotient(valueInterval(row), ref)
    const shown = `${timesText(iv)} the outage's failure rate (bound ${RETRY_MS}/${s.t.bucketMs} ms)`
    return {row, tri: below(iv, RETRY_MS / s.t.bucketMs), shown, with: down}
  })
  const later = s.in('failed_calls_s', s.restartAt + s.t.bucketMs, Infinity).map((row) => {
    return {row, tri: atBound(row.value, 0), shown: `${valueText(valueInterval(row))} calls/s after the restart`}
  })
  return [...first, ...later]
}
