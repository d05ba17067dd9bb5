/**
 * Experiments as data: what a figure of the paper sweeps, which systems it compares, what it
 * measures, plus one pure function that runs a single point. The runner (runner.ts) turns these
 * into result rows; nothing here knows about oclif or output formats.
 */
import type {LoadedProfile} from '../config/index.js'
import type {EngineStats} from '../sim/index.js'

/** The designs the paper compares. Order here is the canonical column/legend order. */
export const SYSTEM_IDS = ['native', 'virtuos', 'flexsc', 'driver-domain'] as const
export type SystemId = (typeof SYSTEM_IDS)[number]

export type ParamValue = number | string
/** One point of an experiment's sweep: axis name -> value, keys in the experiment's axis order. */
export type Point = Readonly<Record<string, ParamValue>>

export interface MetricDef {
  name: string
  unit: string
  better: 'higher' | 'lower'
  description?: string
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
export type ReferenceKind = 'about' | 'at-most' | 'at-least'

/** A value the paper (or a cited source) publishes, for the report to set beside ours. */
export interface ReferencePoint {
  system: SystemId
  point: Point
  metric: string
  value: number
  /** Default `about`. */
  kind?: ReferenceKind
  /** Where the number comes from, e.g. "FlexSC fig. 9". */
  source: string
}

export interface RunContext {
  /** Seed of this point, derived from the run seed and the point (see points.ts): same for every system. */
  seed: number
  quick: boolean
  profile: LoadedProfile
}

export interface PointResult {
  /** One value per declared metric, finite. */
  metrics: Record<string, number>
  engine: EngineStats
  /** Free-form remarks worth keeping in the run's metadata (e.g. "saturated at 8 threads"). */
  notes?: string[]
}

export interface ExperimentDef {
  id: string
  title: string
  /** Which figure/table/claim of the paper this reproduces, e.g. "VirtuOS fig. 6". */
  reproduces: string
  /** The claim under test, in one sentence. */
  claim?: string
  axes: readonly AxisDef[]
  systems: readonly SystemId[]
  metrics: readonly MetricDef[]
  reference?: readonly ReferencePoint[]
  /**
   * The profile this experiment's numbers come from when the run was given `run` (--config/--set),
   * e.g. an experiment calibrated on another testbed. Absent: `run` itself. run() must use the same
   * profile; the rows, meta file and report name this one.
   */
  profileFor?: (run: LoadedProfile) => LoadedProfile
  /**
   * Decides from the run's rows whether the model supports `claim` (see claims.ts for ready-made
   * checks). Absent: the report says the claim was not checked. Pure: it may also be given rows read
   * back from a CSV.
   */
  claimCheck?: (rows: readonly ResultRow[]) => ClaimVerdict
  /**
   * Runs one point on one system. Must be synchronous, build its own simulation, and depend only on
   * (point, system, ctx.seed, ctx.profile, ctx.quick): the runner may call it on any worker thread.
   */
  run(point: Point, system: SystemId, ctx: RunContext): PointResult
}

/** Whether the rows support the claim (null: they cannot tell, e.g. a system was not run), and why. */
export interface ClaimVerdict {
  holds: boolean | null
  /** One sentence with the numbers behind the verdict. */
  detail: string
}

/** One line of every output format (CSV, JSON, table). */
export interface ResultRow {
  experiment: string
  system: SystemId
  params: Point
  metric: string
  value: number
  unit: string
  better: 'higher' | 'lower'
  /** The native system's value of the same point and metric; null when native was not run (or is 0 for the ratio). */
  nativeValue: number | null
  ratioVsNative: number | null
  /** The run's seed (what `--seed` was), not the derived per-point seed. */
  seed: number
  /** Profile name. */
  profile: string
}
