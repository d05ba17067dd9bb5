/**
 * Runs experiments: expands each sweep into (point, system) tasks, runs them in the calling thread
 * or on a pool of worker threads, and turns the results into ordered rows. Results do not depend
 * on the number of jobs: every task carries its own derived seed and lands in its own slot.
 */
import {performance} from 'node:perf_hooks'
import type {LoadedProfile} from '../config/index.js'
import {canonicalOverrides} from '../config/provenance.js'
import {UsageError} from '../errors.js'
import {expandPoints, pointKey, replicateSeed} from './points.js'
import {WorkerPool, type Task} from './pool.js'
import {selectSystems} from './registry.js'
import {runWithReads} from './sensitivity-reads.js'
import {shardPicks, type Shard} from './shard.js'
import {codeHash, taskKey, type TaskCache} from './task-cache.js'
import {buildRows, checkPointResult, sumEngineStats, type EngineTotals} from './rows.js'
import {collectCounters, type CounterRow} from './counter-metrics.js'
import type {BreakdownRow, ExperimentDef, Point, PointResult, ResultRow, SystemId} from './types.js'

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
  /** Finished tasks kept between runs (`--out DIR`, see task-cache.ts); absent: every task runs. */
  cache?: TaskCache
  /** Called after each finished task, with counts over the whole call. */
  onTaskDone?: (done: number, total: number) => void
  /** Record what each task reads of its profile (ExperimentRun.reads; sensitivity-reads.ts); the cache is not used. */
  trackReads?: boolean
}

/** Everything one experiment produced: the input to every output format. */
export interface ExperimentRun {
  experiment: ExperimentDef
  systems: SystemId[]
  points: Point[]
  /** Replicate seeds each point ran under (1 for a deterministic experiment). */
  replicates: number
  rows: ResultRow[]
  /**
   * The machine's counters per point and system by domain x mode x core group (`--counters`, the
   * report's counters table); absent when rebuilt from files that do not hold them.
   */
  counters?: CounterRow[]
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
  /** Where the cycles went at the experiment's breakdown point, when asked for (--breakdown). */
  breakdown?: BreakdownRow[]
  /** With RunOptions.trackReads: every profile value any of its tasks read, sorted. */
  reads?: string[]
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
  const done = await execute(
    plans,
    plans.map((p) => p.tasks.map((_, i) => i)),
    options,
  )
  return plans.map((p, k) => finish(p, done.results[k], options, done.jobs, done.wallSeconds[k]))
}

/** What one shard of a run computed: per experiment, the results of its share of the tasks. */
export interface ShardResults {
  shard: Shard
  jobs: number
  experiments: {
    id: string
    /** The experiment's task count in the whole run (every shard sees the same). */
    tasks: number
    /** Indices into the run's task list of this experiment (point-major, then replicate, then system). */
    indices: number[]
    results: PointResult[]
    wallSeconds: number
  }[]
}

/** Runs only the shard's tasks of the run (see shard.ts); mergeShards() puts the shards together. */
export async function runShard(
  defs: readonly ExperimentDef[],
  options: RunOptions,
  shard: Shard,
): Promise<ShardResults> {
  const plans = defs.map((def) => plan(def, options))
  const picks = shardPicks(
    plans.map((p) => p.tasks.length),
    shard,
  )
  const done = await execute(plans, picks, options)
  return {
    shard,
    jobs: done.jobs,
    experiments: plans.map((p, k) => ({
      id: p.def.id,
      tasks: p.tasks.length,
      indices: picks[k],
      results: done.results[k],
      wallSeconds: done.wallSeconds[k],
    })),
  }
}

/**
 * The runs of the unsharded run, from all its shards (each exactly once, made with the same
 * experiments and options): the same rows, in the same order, as runExperiments gives.
 */
export function mergeShards(
  defs: readonly ExperimentDef[],
  options: RunOptions,
  shards: readonly ShardResults[],
): ExperimentRun[] {
  const plans = defs.map((def) => plan(def, options))
  const jobs = Math.max(1, ...shards.map((s) => s.jobs))
  return plans.map((p) => {
    const slots: (PointResult | undefined)[] = new Array(p.tasks.length)
    let wall = 0
    for (const s of shards) {
      const part = s.experiments.find((e) => e.id === p.def.id)
      if (!part || part.tasks !== p.tasks.length)
        throw new UsageError(`shard ${s.shard.index}/${s.shard.count}: holds no matching task list for ${p.def.id}`)
      wall += part.wallSeconds
      part.indices.forEach((i, j) => {
        if (!(Number.isInteger(i) && i >= 0 && i < p.tasks.length) || part.results[j] === undefined)
          throw new UsageError(
            `shard ${s.shard.index}/${s.shard.count}: task ${i} of ${p.def.id} is not one of the run's`,
          )
        if (slots[i] !== undefined) throw new UsageError(`${p.def.id}: task ${i} is in two shards`)
        slots[i] = part.results[j]
      })
    }
    const missing = slots.findIndex((r) => r === undefined)
    if (missing >= 0) throw new UsageError(`${p.def.id}: task ${missing} is in no shard (merge every shard of the run)`)
    return finish(p, slots as PointResult[], options, jobs, wall)
  })
}

interface Executed {
  /** Per plan, the results of its picked tasks in pick order. */
  results: PointResult[][]
  wallSeconds: number[]
  jobs: number
}

/** Runs the picked tasks of each plan, plan after plan, on one shared pool (or in this thread). */
async function execute(plans: readonly Plan[], picks: readonly number[][], options: RunOptions): Promise<Executed> {
  const total = picks.reduce((n, p) => n + p.length, 0)
  const maxTasks = Math.max(0, ...picks.map((p) => p.length))
  const workers = Math.min(options.jobs, maxTasks)
  // Threads cost a start-up each; below two concurrent tasks they only add time.
  const setup = {profile: options.profile, quick: options.quick, trackReads: options.trackReads === true}
  const pool = workers > 1 ? new WorkerPool(workers, setup) : undefined
  let done = 0
  const tick = () => options.onTaskDone?.(++done, total)
  try {
    const out: Executed = {results: [], wallSeconds: [], jobs: workers > 1 ? workers : 1}
    for (const [k, p] of plans.entries()) {
      const start = performance.now()
      const tasks = picks[k].map((i) => p.tasks[i])
      out.results.push(
        await runCached(tasks, options, tick, (missing, done) =>
          pool ? pool.runAll(missing, done) : Promise.resolve(runSerial(p.def, missing, options, done)),
        ),
      )
      out.wallSeconds.push((performance.now() - start) / 1000)
    }
    return out
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

type Done = (index: number, result: PointResult) => void

function runSerial(def: ExperimentDef, tasks: readonly Task[], options: RunOptions, done: Done): PointResult[] {
  const run = options.trackReads ? runWithReads.bind(null, def) : def.run.bind(def)
  return tasks.map((t, i) => {
    const result = run(t.point, t.system, {seed: t.seed, quick: options.quick, profile: options.profile})
    done(i, result)
    return result
  })
}

/** The tasks' results: those the cache holds, the rest run by `run` and put in the cache as each finishes. */
async function runCached(
  tasks: readonly Task[],
  options: RunOptions,
  tick: () => void,
  run: (missing: Task[], done: Done) => Promise<PointResult[]>,
): Promise<PointResult[]> {
  const cache = options.trackReads ? undefined : options.cache
  if (!cache) return run([...tasks], () => tick())
  const code = codeHash()
  const keys = tasks.map((t) => taskKey(t, options.quick, options.profile.hash, code))
  const results: (PointResult | undefined)[] = keys.map((k) => cache.get(k))
  const missing = tasks.map((_, i) => i).filter((i) => results[i] === undefined)
  results.forEach((r) => r && tick())
  const ran = await run(
    missing.map((i) => tasks[i]),
    (j, r) => {
      cache.put(keys[missing[j]], r)
      tick()
    },
  )
  missing.forEach((i, j) => (results[i] = ran[j]))
  return results as PointResult[]
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
    rows: buildRows(p.def, p.systems, p.points, grid, options.seed, used.name, {
      profileHash: used.hash,
      overrides: canonicalOverrides(used.sets),
    }),
    counters: collectCounters(p.systems, p.points, grid),
    engine: sumEngineStats(flat.map((r) => r.engine)),
    notes,
    seed: options.seed,
    quick: options.quick,
    profile: used,
    runProfile: options.profile,
    jobs,
    wallSeconds,
    ...(options.trackReads ? {reads: [...new Set(flat.flatMap((r) => r.reads ?? []))].sort()} : {}),
  }
}
