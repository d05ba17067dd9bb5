import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {paint as chalk} from '../../cli/colour.js'
import {BaseCommand} from '../../cli/base.js'
import {commaList} from '../../cli/options.js'
import {experimentFlag, noCacheFlag, runFlags} from '../../cli/flags.js'
import {runProgress, setupRun, taskCacheFor, warnJobs} from '../../cli/setup.js'
import {runShardToFile, shardFlag, shardLine, type ShardRunJson} from '../../cli/shard.js'
import {parseShard} from '../../experiments/shard.js'
import {getExperiment, listExperiments} from '../../experiments/registry.js'
import {runExperiments, type ExperimentRun} from '../../experiments/runner.js'
import {UsageError} from '../../errors.js'
import {csvIds, loadRun} from '../../report/resultdir.js'
import {checkOutDir} from '../../report/files.js'
import {HTML_FILE} from '../../report/html.js'
import {REPORT_FILE, writePaper} from '../../report/paper.js'
import {readable} from '../../report/table.js'
import {runBreakdown} from '../../cli/breakdown.js'

/** `bench paper --json` (schemas/bench-paper.schema.json). */
export interface PaperJson {
  out: string
  report: string | null
  experiments: {id: string; rows: number; csv: string; wallSeconds: number}[]
  /** Experiments of --out not re-run whose sections REPORT.md kept (--experiment). */
  kept?: string[]
  files: string[]
}

const warn = (line: string) => process.stderr.write(`virtuos: warning: ${line}\n`)

/**
 * The registered experiments with results in DIR, other than `rerun`, rebuilt from their files; one that cannot be read
 * is left out with a warning.
 */
function keptRuns(dir: string, rerun: readonly string[], warnLine: (line: string) => void): ExperimentRun[] {
  let ids: string[]
  try {
    ids = csvIds(dir, '--out')
  } catch {
    return [] // no DIR yet
  }
  const registered = new Set(listExperiments().map((d) => d.id))
  const out: ExperimentRun[] = []
  for (const id of ids.filter((i) => registered.has(i) && !rerun.includes(i))) {
    try {
      out.push(loadRun(dir, id, warnLine))
    } catch (e) {
      if (!(e instanceof UsageError)) throw e
      warnLine(`${e.message}; REPORT.md leaves ${id} out`)
    }
  }
  return out
}

/** One line per experiment and the report's path, on stdout. */
function printRuns(runs: readonly ExperimentRun[], out: string): void {
  for (const r of runs) {
    const e = r.engine
    process.stdout.write(
      `${chalk.bold(r.experiment.id)}: ${r.rows.length} rows -> ${out}/${r.experiment.id}.csv ` +
        chalk.dim(`(${e.events} events, ${readable(e.eventsPerSecond)} events/s, wall ${r.wallSeconds.toFixed(2)} s)`) +
        '\n',
    )
  }
  process.stdout.write(`report: ${out}/${REPORT_FILE} (interactive: ${out}/${HTML_FILE})\n`)
}

export default class BenchPaper extends BaseCommand {
  static override description =
    "Run every experiment of the paper and write each one's CSV, metadata and charts (SVG, drawn from the CSV), REPORT.md, report.html (interactive charts) and the design-space summary (design-space.csv) into DIR; with --experiment, only those are re-run and both reports keep the others' sections"
  static override examples = [
    '<%= config.bin %> bench paper --quick',
    '<%= config.bin %> bench paper --full --shard 2/8 --out shards   # then: bench merge shards --out results',
    '<%= config.bin %> bench paper --full --out results/full --jobs 2',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...runFlags,
    experiment: experimentFlag,
    out: Flags.string({
      description: 'write <id>.csv, <id>.meta.json, charts/<id>.<metric>.svg, REPORT.md and report.html into DIR',
      helpValue: 'DIR',
      default: 'results',
    }),
    shard: shardFlag,
    'no-cache': noCacheFlag,
    breakdown: Flags.boolean({
      description:
        "also run each experiment's breakdown point once per system: <id>.breakdown.csv and a stacked bar of where the cycles go in the report",
    }),
  }

  async run(): Promise<PaperJson | ShardRunJson> {
    const {flags} = await this.parse(BenchPaper)
    const out = flags.out ?? 'results'
    checkOutDir(out)
    const setup = setupRun(flags)
    const only = commaList(flags.experiment)
    const defs = only ? [...new Set(only)].map(getExperiment) : listExperiments()
    const shard = parseShard(flags.shard)
    if (shard && flags.breakdown)
      throw new UsageError(
        '--breakdown: not with --shard (breakdowns run in one process: bench paper or bench run without --shard)',
      )
    if (shard && defs.length > 0) {
      warnJobs(setup.jobs, defs, setup.quick, undefined, setup.replicates)
      const j = await runShardToFile('paper', defs, setup, shard, out)
      if (!this.jsonEnabled()) process.stdout.write(shardLine(j))
      return j
    }
    if (defs.length === 0) {
      process.stderr.write('no experiments registered yet: nothing to run\n')
      return {out, report: null, experiments: [], files: []}
    }
    // --experiment: the other experiments already in DIR keep their files and their sections of REPORT.md
    const kept = only
      ? keptRuns(
          out,
          defs.map((d) => d.id),
          warn,
        )
      : []
    warnJobs(setup.jobs, defs, setup.quick, undefined, setup.replicates)
    const progress = runProgress('bench paper', defs, setup.quick, undefined, setup.replicates)
    const cache = taskCacheFor(out, flags['no-cache'])
    const runs = await runExperiments(defs, {...setup, cache, onTaskDone: (d, t) => progress.update(d, t)}).finally(
      () => progress.stop(),
    )
    const mixed = kept
      .filter((k) => k.seed !== setup.seed || k.quick !== setup.quick || k.runProfile.hash !== setup.profile.hash)
      .map((k) => k.experiment.id)
    if (mixed.length > 0)
      warn(
        `REPORT.md keeps ${mixed.join(', ')} from an earlier run with another seed, mode or profile (regenerate them too for one consistent report)`,
      )
    if (flags.breakdown) for (const run of runs) run.breakdown = runBreakdown(run.experiment, run.systems, setup)
    const files = await writePaper(out, runs, setup.sets, {kept})
    const result: PaperJson = {
      out,
      report: join(out, REPORT_FILE),
      experiments: runs.map((r) => ({
        id: r.experiment.id,
        rows: r.rows.length,
        csv: join(out, `${r.experiment.id}.csv`),
        wallSeconds: r.wallSeconds,
      })),
      kept: kept.map((k) => k.experiment.id),
      files,
    }
    if (this.jsonEnabled()) return result
    printRuns(runs, out)
    return result
  }
}
