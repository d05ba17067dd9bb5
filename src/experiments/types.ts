/**
 * Experiments as data: what a figure of the paper sweeps, which systems it compares, what it
 * measures, plus one pure function that runs a single point. The runner (runner.ts) turns these
 * into result rows; nothing here knows about oclif or output formats.
 */
import type {LoadedProfile} from '../config/index.js'
import type {EngineStats} from '../sim/index.js'
import type {CounterEntry} from './counter-metrics.js'
import type {ActivityName} from '../kernel/ledger.js'

/** The designs the paper compares. Order here is the canonical column/legend order. */
export const SYSTEM_IDS = ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'] as const
export type SystemId = (typeof SYSTEM_IDS)[number]

export type ParamValue = number | string
/** One point of an experiment's sweep: axis name -> value, keys in the experiment's axis order. */
export type Point = Readonly<Record<string, ParamValue>>

export interface MetricDef {
  name: string
  unit: string
  better: 'higher' | 'lower'
  description?: string
  /** false: in the CSV and tables but drawn as no chart of its own (e.g. the MPKI columns). */
  chart?: boolean
}

export interface AxisDef {
  /** CSV column `param_<name>`. */
  name: string
  /** Values swept by `--quick` (kept small: CI and `make bench` run these). */
  quick: readonly ParamValue[]
  /** Values swept by `--full` (the paper's own range). */
  full: readonly ParamValue[]
  unit?: string
  description?: string
}

/**
 * How a published number constrains the model: `about` is a value to match (its error is signed),
 * `at-most` / `at-least` a bound the model meets or misses (see referenceGap in claims.ts).
 */
export const REFERENCE_KINDS = ['about', 'at-most', 'at-least'] as const
export type ReferenceKind = (typeof REFERENCE_KINDS)[number]

/** A value the paper (or a cited source) publishes, for the report to set beside ours. */
export interface ReferencePoint {
  system: SystemId
  point: Point
  metric: string
  value: number
  /** Default `about`. */
  kind?: ReferenceKind
  /** Where the number comes from and what it says, e.g. "FlexSC (OSDI 2010), ...: <statement> (read from the text)". */
  source: string
  /** How far off the number may be as read (a value read off a plot: +- this, in the metric's unit). */
  accuracy?: number
  /**
   * What the number is compared with: the row's value (default) or its ratio to native under the
   * same seed (a plot whose y axis is "system / native", e.g. VirtuOS's copying overhead plot).
   */
  of?: ReferenceOf
}

/** What a published number stands for: the metric's value, or the system's ratio to native. */
export const REFERENCE_OF = ['value', 'ratio_vs_native'] as const
export type ReferenceOf = (typeof REFERENCE_OF)[number]

export interface RunContext {
  /** Seed of this point, derived from the run seed and the point (see points.ts): same for every system. */
  seed: number
  quick: boolean
  profile: LoadedProfile
}

export interface PointResult {
  /** One value per declared metric, finite. */
  metrics: Record<string, number>
  /**
   * How many of what the point measures (ExperimentDef.counts: transactions, requests, calls) its
   * measured window held: a mean over few of them is noisy, and the row says so.
   */
  samples?: number
  engine: EngineStats
  /** Free-form remarks worth keeping in the run's metadata (e.g. "saturated at 8 threads"). */
  notes?: string[]
  /** The machine's counters by domain x mode x core group (counter-metrics.ts), for `--counters`. */
  counters?: CounterEntry[]
  /** With RunOptions.trackReads: the profile values the task read (config/read-tracking.ts paths), sorted. */
  reads?: string[]
}

/**
 * An experiment's main metric (a name in its metrics; whether higher is better comes from there) and
 * the point of its axes the design-space summary shows. An axis the point does not name takes the
 * last value of the quick sweep.
 */
export interface DesignSpaceChoice {
  metric: string
  point: Point
}

export interface ExperimentDef {
  id: string
  title: string
  /** Which figure/table/claim of the paper this reproduces, e.g. "VirtuOS fig. 6". */
  reproduces: string
  /**
   * The claim under test as clauses, each one sentence with its margin in its words and one check
   * over the points it is about (see claims.ts). The claim's text is its clauses' (claimText); the
   * verdict their conjunction. A clause the model cannot test is left out, not left unchecked.
   */
  clauses?: readonly Clause[]
  /**
   * Why this experiment draws no random numbers (a closed loop on an idle machine, as the real
   * microbenchmark is): its points run once whatever `--replicates` says, and its rows' intervals
   * have zero width. Absent: the experiment is random and every point runs under each replicate seed.
   */
  deterministic?: string
  /**
   * The axes a point's seed derives from (default: all). An axis left out does not change the dice:
   * points that differ only along it share their seeds, e.g. the time buckets of one run.
   */
  seedAxes?: readonly string[]
  /**
   * Where this experiment sits in the report's design-space summary (src/report/design-space.ts): its
   * main metric and the point at which every system is set side by side, or why it is left out.
   * Absent: the first metric at the last point of the quick sweep.
   */
  designSpace?: DesignSpaceChoice | {omitted: string}
  /**
   * The point `bench run --breakdown` shows where the cycles go at (every axis). Absent: each
   * axis's last quick value.
   */
  breakdownPoint?: Point
  /** What PointResult.samples counts (e.g. 'transactions'); absent: the experiment reports no count. */
  counts?: string
  axes: readonly AxisDef[]
  systems: readonly SystemId[]
  metrics: readonly MetricDef[]
  /**
   * What the paper published for this experiment's points, for the report to set beside the rows.
   * Data, not model output: an experiment with a `references/<id>.json` file reads it (a getter over
   * referencePoints in references.ts), so the published numbers live in one file with their citation.
   */
  reference?: readonly ReferencePoint[]
  /**
   * The profile this experiment's numbers come from when the run was given `run` (--config/--set),
   * e.g. an experiment calibrated on another testbed. Absent: `run` itself. run() must use the same
   * profile; the rows, meta file and report name this one.
   */
  profileFor?: (run: LoadedProfile) => LoadedProfile
  /**
   * Runs one point on one system. Must be synchronous, build its own simulation, and depend only on
   * (point, system, ctx.seed, ctx.profile, ctx.quick): the runner may call it on any worker thread.
   */
  run(point: Point, system: SystemId, ctx: RunContext): PointResult
}

/**
 * A clause's verdict: `inconclusive` when a 95% interval behind it straddles its margin; `untested`
 * when the rows cannot tell (a system it compares was not run, or no point it is about was swept).
 */
export type Verdict = 'supported' | 'not supported' | 'inconclusive' | 'untested'

export interface ClauseVerdict {
  verdict: Verdict
  /** One sentence with the numbers behind the verdict. */
  detail: string
  /** The rows the verdict rests on (for the report and claims.json). */
  points: readonly ResultRow[]
}

/** One sentence of a claim and the check of it. Pure: it may be given rows read back from a CSV. */
export interface Clause {
  /** The sentence, margin in its words ("at least 5% above native at some thread count > 1"). */
  text: string
  /** The margin as a fraction (0.05) or a factor, as the sentence states it; null when it has none. */
  margin: number | null
  /**
   * The systems whose rows the verdict reads (its own and what it is compared with): a run leaving
   * one out judges it untested, and an analysis that judges only clauses may run only these.
   */
  systems: readonly SystemId[]
  check(rows: readonly ResultRow[]): ClauseVerdict
}

/** An experiment's verdict: the conjunction of its clauses'. */
export interface ClaimVerdict {
  verdict: Verdict
  clauses: readonly (ClauseVerdict & {clause: Clause})[]
}

/** One line of every output format (CSV, JSON, table). */
export interface ResultRow {
  experiment: string
  system: SystemId
  params: Point
  metric: string
  /** The mean over the replicates. */
  value: number
  /** The 95% interval of the mean (Student t); equal to value when the replicates agree or there is one. */
  ci95Low: number
  ci95High: number
  /** How many replicate seeds the point ran under. */
  replicates: number
  unit: string
  better: 'higher' | 'lower'
  /** The native system's mean of the same point and metric; null when native was not run. */
  nativeValue: number | null
  /**
   * The mean of the per-replicate ratios (each replicate against native's under the same seed) and
   * its 95% interval; null when native was not run or a native value is 0.
   */
  ratioVsNative: number | null
  ratioCi95Low: number | null
  ratioCi95High: number | null
  /** The fewest samples (ExperimentDef.counts) a replicate measured; null when the experiment counts none. */
  samples: number | null
  /** The run's seed (what `--seed` was), not the derived per-point seed. */
  seed: number
  /** Profile name. */
  profile: string
  /** Hash of the resolved profile the row came from (LoadedProfile.hash); absent in a file older than it. */
  profileHash?: string
  /** Its overrides, canonical (`key=value;...` sorted, '' for none: config/provenance.ts); absent as above. */
  overrides?: string
}

/**
 * Where the cycles went at an experiment's breakdown point (`bench run --breakdown`): one system's
 * cycles of one activity in one domain, summed over the point's simulations; `share` is of the
 * domain's cores x elapsed cycles.
 */
export interface BreakdownRow {
  experiment: string
  /** The point, `axis=value` joined by `,` in axis order. */
  point: string
  system: SystemId
  domain: string
  activity: ActivityName
  cycles: number
  share: number
}
