/**
 * Runs experiments: expands each sweep into (point, system) tasks, runs them in the calling thread
 * or on a pool of worker threads, and turns the results into ordered rows. Results do not depend
 * on the number of jobs: every task carries its own derived seed and lands in its own slot.
 */
import {performance} from 'node:perf_hooks'
import type {LoadedProfile} from '../config/index.js'
import {expandPoints, pointKey, replicateSeed} from './points.js'
import {WorkerPool, type Task} from './pool.js'
import {selectSystems} from './registry.js'
import {buildRows, checkPointResult, sumEngineStats, type EngineTotals} from './rows.js'
import type {ExperimentDef, Point, PointResult, ResultRow, SystemId} from './types.js'

export interface RunOptions {
  /** The run seed (`--seed`); each point's seed derives from it. */
  seed: number
  quick: boolean
  profile: LoadedProfile
  /** Restrict every experiment to these systems (each must be one it compares). Default: all it compares. */
  systems?: readonly SystemId[]
  /**
   * Replicate seeds per point of a random experiment (a deterministic one runs once); default 1.
   * The CLI defaults to 3 in quick mode and 5 in full.
   */
  replicates?: number
  /** Worker threads; 1 runs in the calling thread. */
  jobs: number
  /** Called after each finished task, with counts over the whole call. */
  onTaskDone?: (done: number, total: number) => void
}

/** Everything one experiment produced: the input to every output format. */
export interface ExperimentRun {
  experiment: ExperimentDef
  systems: SystemId[]
  points: Point[]
  /** Replicate seeds each point ran under (1 for a deterministic experiment). */
  replicates: number
  rows: ResultRow[]
  engine: EngineTotals
  /** The experiments' own remarks, prefixed with the point and system they came from. */
  notes: string[]
  seed: number
  quick: boolean
  /** The profile the numbers come from: the experiment's profileFor(runProfile), else runProfile. */
  profile: LoadedProfile
  /** The profile the run was given (--config, --set). */
  runProfile: LoadedProfile
  jobs: number
  wallSeconds: number
}

interface Plan {
  def: ExperimentDef
  systems: SystemId[]
  points: Point[]
  replicates: number
  /** Point-major, then replicate, then system. */
  tasks: Task[]
}

/** How many replicate seeds a point of this experiment runs under. */
export function replicatesOf(def: ExperimentDef, requested = 1): number {
  return def.deterministic ? 1 : requested
}

/**
 * Runs the experiments one after another (so each has a meaningful wall time), sharing one worker
 * pool. Bad systems are rejected for all experiments before anything runs.
 */
export async function runExperiments(defs: readonly ExperimentDef[], options: RunOptions): Promise<ExperimentRun[]> {
  const plans = defs.map((def) => plan(def, options))
  const total = plans.reduce((n, p) => n + p.tasks.length, 0)
  const maxTasks = Math.max(0, ...plans.map((p) => p.tasks.length))
  const workers = Math.min(options.jobs, maxTasks)
  // Threads cost a start-up each; below two concurrent tasks they only add time.
  const pool = workers > 1 ? new WorkerPool(workers, {profile: options.profile, quick: options.quick}) : undefined
  let done = 0
  const tick = () => options.onTaskDone?.(++done, total)
  try {
    const runs: ExperimentRun[] = []
    for (const p of plans) {
      const start = performance.now()
      const results = pool ? await pool.runAll(p.tasks, tick) : runSerial(p, options, tick)
      runs.push(finish(p, results, options, workers > 1 ? workers : 1, (performance.now() - start) / 1000))
    }
    return runs
  } finally {
    await pool?.close()
  }
}

function plan(def: ExperimentDef, options: RunOptions): Plan {
  const systems = selectSystems(def, options.systems)
  const points = expandPoints(def.axes, options.quick)
  const replicates = replicatesOf(def, options.replicates)
  const tasks: Task[] = []
  for (const point of points) {
    const dice = seedPoint(def, point)
    for (let r = 0; r < replicates; r++) {
      const seed = replicateSeed(options.seed, def.id, dice, r)
      for (const system of systems) tasks.push({experimentId: def.id, point, system, seed})
    }
  }
  return {def, systems, points, replicates, tasks}
}

/** The part of a point its seed derives from (ExperimentDef.seedAxes). */
export function seedPoint(def: ExperimentDef, point: Point): Point {
  if (!def.seedAxes) return point
  return Object.fromEntries(Object.entries(point).filter(([k]) => def.seedAxes!.includes(k)))
}

function runSerial(p: Plan, options: RunOptions, tick: () => void): PointResult[] {
  return p.tasks.map((t) => {
    const result = p.def.run(t.point, t.system, {seed: t.seed, quick: options.quick, profile: options.profile})
    tick()
    return result
  })
}

function finish(p: Plan, flat: PointResult[], options: RunOptions, jobs: number, wallSeconds: number): ExperimentRun {
  const n = p.systems.length
  const notes: string[] = []
  flat.forEach((r, i) => {
    const t = p.tasks[i]
    const replicate = p.replicates > 1 ? ` replicate ${Math.floor(i / n) % p.replicates}` : ''
    const where = `[${pointKey(t.point) || 'single point'}] ${t.system}${replicate}`
    checkPointResult(p.def, where, r)
    for (const note of r.notes ?? []) notes.push(`${where}: ${note}`)
  })
  const perPoint = n * p.replicates
  const grid = p.points.map((_, i) =>
    Array.from({length: p.replicates}, (_, r) => flat.slice(i * perPoint + r * n, i * perPoint + (r + 1) * n)),
  )
  const used = p.def.profileFor?.(options.profile) ?? options.profile
  return {
    experiment: p.def,
    systems: p.systems,
    points: p.points,
    replicates: p.replicates,
    rows: buildRows(p.def, p.systems, p.points, grid, options.seed, used.name),
    engine: sumEngineStats(flat.map((r) => r.engine)),
    notes,
    seed: options.seed,
    quick: options.quick,
    profile: used,
    runProfile: options.profile,
    jobs,
    wallSeconds,
  }
}
