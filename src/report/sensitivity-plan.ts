/**
 * The plan of a sensitivity analysis as `bench sensitivity` prints it before running (and
 * `--dry-run` prints instead of running): variants, tasks, and the host time they take at the
 * recorded cost per task, before and after pruning the runs that cannot change a row.
 */
import {planCost, type PlanCost, type PlannedVariant} from '../experiments/sensitivity-prune.js'
import type {ExperimentDef} from '../experiments/types.js'
import type {RecordedCost} from './sensitivity-reads-file.js'

/** `bench sensitivity --dry-run --json` (schemas/sensitivity-plan.schema.json). */
export interface SensitivityPlanJson {
  dryRun: true
  method: 'oat' | 'morris'
  estimates: number
  variants: number
  invalid: number
  /** Valid variants no experiment reads (they run nothing). */
  unread: number
  /** Worker threads the estimate assumes: --jobs, at most the cores. */
  workers: number
  /** Whether every experiment's reads were recorded for these tasks (else pruning is partly unknown). */
  readsKnown: boolean
  experiments: {
    id: string
    /** The systems it runs (by default those its clauses and headline read). */
    systems: string[]
    tasks: number
    secondsPerTask: number | null
    costFrom: string | null
    readsRecorded: boolean
    runs: {planned: number; pruned: number}
  }[]
  runs: PlanCost['runs']
  tasks: PlanCost['tasks']
  hostSeconds: PlanCost['seconds']
  wallSeconds: {planned: number | null; pruned: number | null}
}

export function sensitivityPlanJson(
  method: 'oat' | 'morris',
  estimates: number,
  defs: readonly ExperimentDef[],
  plan: readonly PlannedVariant[],
  tasks: readonly number[],
  systems: readonly (readonly string[])[],
  cost: RecordedCost,
  reads: readonly (readonly string[] | undefined)[],
  workers: number,
): SensitivityPlanJson {
  const total = planCost(plan, tasks, cost.perTask)
  const wall = (s: number | null) => (s === null ? null : s / workers)
  return {
    dryRun: true,
    method,
    estimates,
    variants: plan.length,
    invalid: plan.filter((v) => v.invalid).length,
    unread: total.unread,
    workers,
    readsKnown: reads.every((r) => r !== undefined),
    experiments: defs.map((d, k) => {
      const mine = planCost(
        plan.map((v) => ({...v, notRead: [v.notRead[k]]})),
        [tasks[k]],
        [cost.perTask[k]],
      )
      return {
        id: d.id,
        systems: [...systems[k]],
        tasks: tasks[k],
        secondsPerTask: cost.perTask[k] ?? null,
        costFrom: cost.from[k] ?? null,
        readsRecorded: reads[k] !== undefined,
        runs: mine.runs,
      }
    }),
    runs: total.runs,
    tasks: total.tasks,
    hostSeconds: total.seconds,
    wallSeconds: {planned: wall(total.seconds.planned), pruned: wall(total.seconds.pruned)},
  }
}

const minutes = (s: number | null) => (s === null ? 'unknown' : `${Math.ceil(s / 60)} min`)

/** The plan in a few lines: counts, the estimate, the pruning, then one line per experiment. */
export function sensitivityPlanText(p: SensitivityPlanJson, readsFile: string): string {
  const lines = [
    `bench sensitivity: ${p.method} over ${p.estimates} estimates: ${p.variants} profile variants` +
      `${p.invalid > 0 ? ` (${p.invalid} not valid profiles: they run nothing)` : ''} x ${p.experiments.length} experiments; ` +
      `${p.tasks.planned} tasks in ${p.runs.planned} experiment runs`,
    `  estimated host time: ${minutes(p.hostSeconds.planned)} of CPU, about ${minutes(p.wallSeconds.planned)} on ${p.workers} worker(s)` +
      (p.hostSeconds.planned === null ? ' (no recorded cost for some experiment: run it once with --out DIR)' : ''),
    p.readsKnown
      ? `  after pruning (${p.runs.planned - p.runs.pruned} of ${p.runs.planned} runs cannot change a row: the variant agrees with the default at every profile value the experiment read, recorded in ${readsFile}; ` +
        `${p.unread} variant(s) no experiment reads): ` +
        `${p.tasks.pruned} tasks, ${minutes(p.hostSeconds.pruned)} of CPU, about ${minutes(p.wallSeconds.pruned)} on ${p.workers} worker(s)`
      : `  pruning: ${p.experiments.filter((e) => !e.readsRecorded).length} experiment(s) have no reads recorded for this profile, code, mode, seed and replicates in ${readsFile} ` +
        `(the run records them after its default run, then prunes; so far ${p.runs.planned - p.runs.pruned} runs pruned)`,
  ]
  for (const e of p.experiments) {
    const cost =
      e.secondsPerTask === null ? 'no recorded cost' : `${e.secondsPerTask.toPrecision(3)} s/task (${e.costFrom})`
    const runs = e.readsRecorded
      ? `runs ${e.runs.pruned} of ${e.runs.planned}`
      : `runs ${e.runs.planned} (reads not recorded)`
    lines.push(`    ${e.id} (${e.systems.join(', ')}): ${e.tasks} tasks per variant, ${cost}; ${runs}`)
  }
  return `${lines.join('\n')}\n`
}
