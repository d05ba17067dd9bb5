/**
 * flexsc-batching: FlexSC's calibration microbenchmark (Soares & Stumm, "FlexSC: Flexible System
 * Call Scheduling with Exception-Less System Calls", OSDI 2010): time per getppid call when `batch`
 * calls are posted per flexsc_wait, with the syscall thread on the caller's core or on a remote core
 * woken by an IPI, against the synchronous trap (system native). Every point also reports its ratio to the synchronous
 * call and
 * its distance from what FlexSC published for that point (`ref_error_pct`).
 *
 * Profile: the experiment runs on configs/flexsc-i7.json (FlexSC's testbed) unless the run named
 * another profile with --config. Without --config, the run's --set overrides (the constants that
 * differ from the default profile file) are applied to flexsc-i7 instead.
 */
import {resolve} from 'node:path'
import {carryOverrides, DEFAULT_PROFILE, type LoadedProfile} from '../config/index.js'
import {PACKAGE_ROOT} from '../config/load.js'
import {flexscOf, type FlexscLibC, type Placement} from '../kernel/flexsc/index.js'
import type {SyscallArgs, SyscallName} from '../kernel/types.js'
import type {MachineParams} from '../machine/params.js'
import {buildBench, cyclesToNs, runBench} from '../workloads/common.js'
import {matchesPublished, referenceGap, type PublishedPoint} from './claims.js'
import type {ExperimentDef, Point, PointResult, ReferencePoint, RunContext, SystemId} from './types.js'

export const FLEXSC_PROFILE = resolve(PACKAGE_ROOT, 'configs', 'flexsc-i7.json')
const SOURCE =
  'FlexSC (Soares & Stumm, "FlexSC: Flexible System Call Scheduling with Exception-Less System Calls", OSDI 2010), ' +
  'getppid batching microbenchmark'
const BATCHES = [1, 2, 4, 8, 16, 32, 64]

/** What FlexSC published for a point, as a ratio to the synchronous call: a value or a bound. */
export interface PublishedRatio {
  kind: 'about' | 'at-most' | 'at-least'
  ratio: number
  says: string
}

/** The published statements, per placement and batch size. */
export function published(placement: Placement, batch: number): PublishedRatio {
  if (placement === 'same-core') {
    if (batch === 1)
      return {kind: 'about', ratio: 1.43, says: 'a single exceptionless call is 43% slower than a synchronous one'}
    if (batch < 32) return {kind: 'at-most', ratio: 1, says: 'from 2 batched calls on there is no overhead'}
    return {
      kind: 'about',
      ratio: 1 / 2.3,
      says: 'from 32 batched calls on each call is up to 130% faster (1/2.3 of the time)',
    }
  }
  if (batch === 1)
    return {kind: 'at-least', ratio: 10, says: 'a single remote call is more than 10x slower (plot axis up to 700 ns)'}
  if (batch < 32) return {kind: 'at-least', ratio: 1, says: 'the remote cost is recouped only from 32 batched calls on'}
  return {kind: 'at-most', ratio: 1, says: 'from 32 batched calls on the remote cost is recouped'}
}

/** Signed % distance of `ratio` from the published value (0 when a published bound holds). */
export function referenceError(ratio: number, ref: PublishedRatio): number {
  return referenceGap(ratio, {value: ref.ratio, kind: ref.kind}).errorPct ?? 0
}

/** The remote-core plot's y axis spans 0-700 ns: a lone remote call (its tallest bar) is at most ~700 ns. */
export const REMOTE_SINGLE_MAX_NS = 700

/**
 * Published values are read from the paper's text and plots (a plot's axis range, "more than
 * 10x"): a point counts as reproduced within this tolerance of its value or bound.
 */
export const CLAIM_TOLERANCE = 0.15

const reference: ReferencePoint[] = [
  ...(['same-core', 'remote-core'] as const).flatMap((placement) =>
    BATCHES.map((batch) => {
      const ref = published(placement, batch)
      const point = {batch, placement}
      return {
        system: 'flexsc' as const,
        point,
        metric: 'ratio_vs_sync',
        value: ref.ratio,
        kind: ref.kind,
        source: `${SOURCE}: ${ref.says}`,
      }
    }),
  ),
  {
    system: 'flexsc',
    point: {batch: 1, placement: 'remote-core'},
    metric: 'ns_per_call',
    value: REMOTE_SINGLE_MAX_NS,
    kind: 'at-most',
    source: `${SOURCE}: the remote-core plot's y axis spans 0-700 ns`,
  },
]

/**
 * The published points the profile's FlexSC per-entry costs were fitted to (flexsc.postInstructions,
 * harvestInstructions, dispatchInstructions, switchInstructions and hotLoopIpc carry `fitted`: with
 * them the model lands within 2% of these two): no test of the model, so not in the claim check.
 * The report's reference table still shows their distance.
 */
export const FITTED_POINTS: readonly {placement: Placement; batch: number}[] = [
  {placement: 'same-core', batch: 1},
  {placement: 'same-core', batch: 32},
]

export function isFittedPoint(placement: Placement, batch: number): boolean {
  return FITTED_POINTS.some((p) => p.placement === placement && p.batch === batch)
}

/** The published value or bound of a row's point, for the claim check (none at a fitted point). */
function publishedAt(metric: string) {
  return (point: Point): PublishedPoint | null => {
    const placement = String(point.placement) as Placement
    const batch = Number(point.batch)
    if (metric === 'ns_per_call') {
      return placement === 'remote-core' && batch === 1 ? {kind: 'at-most', value: REMOTE_SINGLE_MAX_NS} : null
    }
    if (isFittedPoint(placement, batch)) return null
    const ref = published(placement, batch)
    return {kind: ref.kind, value: ref.ratio}
  }
}

export const flexscBatching: ExperimentDef = {
  id: 'flexsc-batching',
  title: 'FlexSC calibration: time per getppid vs calls batched per flexsc_wait',
  reproduces: 'FlexSC (OSDI 2010) exception-less getppid microbenchmark, same core and remote core',
  axes: [
    {name: 'batch', quick: BATCHES, full: BATCHES, unit: 'calls', description: 'getppid calls posted per flexsc_wait'},
    {
      name: 'placement',
      quick: ['same-core', 'remote-core'],
      full: ['same-core', 'remote-core'],
      description: 'where the syscall thread runs',
    },
  ],
  systems: ['native', 'flexsc'],
  metrics: [
    {
      name: 'ns_per_call',
      unit: 'ns',
      better: 'lower',
      description: 'simulated time per getppid call in the measured loop',
    },
    {
      name: 'ratio_vs_sync',
      unit: 'ratio',
      better: 'lower',
      description: 'ns_per_call / the synchronous trap loop on the same profile (native: 1)',
    },
    {
      name: 'ref_error_pct',
      unit: '%',
      better: 'lower',
      description:
        'signed distance of ratio_vs_sync from the published FlexSC point (0 when a published bound holds; native: ' +
        '0)',
    },
  ],
  reference,
  profileFor,
  clauses: ['ratio_vs_sync', 'ns_per_call'].map((metric) =>
    matchesPublished({
      text:
        metric === 'ratio_vs_sync'
          ? 'Exceptionless calls cost more than a trap one at a time (43% same core, >10x remote), break even from 2 ' +
            '(same core) or 32 (remote) batched calls, and are up to 2.3x faster from 32 on the same core (within 15%; ' +
            'judged without the same-core points at batch 1 and 32, to which the profile flexsc.* costs were fitted)'
          : 'A lone remote call takes at most ~700 ns (the remote plot axis), within 15%',
      system: 'flexsc',
      metric,
      published: publishedAt(metric),
      tolerance: CLAIM_TOLERANCE,
    }),
  ),
  deterministic: 'one thread posts getppid batches in a loop on an idle machine: no random input',
  run: runPoint,
}

/** flexsc-i7 unless the run named a profile; the run's --set overrides carried over. */
export function profileFor(run: LoadedProfile): LoadedProfile {
  return run.path === DEFAULT_PROFILE ? carryOverrides(run, FLEXSC_PROFILE) : run
}

/** Calls measured per point (after a warm-up of 8 rounds). */
function callsFor(quick: boolean): number {
  return quick ? 512 : 4096
}

const GETPPID: readonly [SyscallName, SyscallArgs] = ['getppid', {}]

type Measured = ReturnType<typeof measure>

/** Cycles per call of `batch`-call rounds on `system`. */
export function measure(
  params: MachineParams,
  system: SystemId,
  batch: number,
  placement: Placement,
  calls: number,
  seed: number,
) {
  const bench = buildBench(seed, params, system, {flexsc: {placement}})
  let t0 = 0
  let t1 = 0
  let n = 0
  let done = false
  const rounds = Math.ceil(calls / batch)
  bench.system.spawnProcess(function* (sys) {
    for (let r = 0; r < rounds + 8; r++) {
      if (r === 8) {
        t0 = sys.now()
        n = 0
      }
      if (system === 'flexsc') yield* (sys as FlexscLibC).batch(Array.from({length: batch}, () => GETPPID))
      else for (let i = 0; i < batch; i++) yield* sys.call('getppid', {})
      n += batch
    }
    t1 = sys.now()
    done = true
  }, 'getppid-loop')
  const engine = runBench(bench, () => done)
  const stats = system === 'flexsc' ? flexscOf(bench.system).stats : null
  return {cyclesPerCall: (t1 - t0) / n, engine, stats}
}

/** What a flexsc point measured against the synchronous loop and the published statement. */
function flexscNote(
  name: string,
  run: Measured,
  sync: Measured,
  ratio: number,
  ref: PublishedRatio,
  clockHz: number,
): string {
  const ns = (m: Measured) => cyclesToNs(m.cyclesPerCall, clockHz).toFixed(1)
  const gap = referenceGap(ratio, {value: ref.ratio, kind: ref.kind}, 'ratio').phrase
  const counters = run.stats ? `; ${run.stats.ipis} IPIs, ${run.stats.wakeups} wake-ups, ${run.stats.waits} waits` : ''
  return (
    `profile ${name}; model ${ratio.toFixed(3)}x sync (${ns(run)} ns vs ${ns(sync)} ns); ` +
    `published: ${ref.says} (${ref.kind} ${ref.ratio.toFixed(3)}x); ${gap}${counters}`
  )
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const batch = Number(point.batch)
  const placement = String(point.placement) as Placement
  const {params, name} = profileFor(ctx.profile)
  const calls = callsFor(ctx.quick)
  const run = measure(params, system, batch, placement, calls, ctx.seed)
  const sync = system === 'native' ? run : measure(params, 'native', 1, 'same-core', calls, ctx.seed)
  const ratio = run.cyclesPerCall / sync.cyclesPerCall
  const ref = published(placement, batch)
  const err = system === 'native' ? 0 : referenceError(ratio, ref)
  const ns = cyclesToNs(run.cyclesPerCall, params.clockHz)
  const notes = system === 'native' ? [`profile ${name}`] : [flexscNote(name, run, sync, ratio, ref, params.clockHz)]
  return {metrics: {ns_per_call: ns, ratio_vs_sync: ratio, ref_error_pct: err}, engine: run.engine, notes}
}
