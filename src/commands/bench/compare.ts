import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {runFlags} from '../../cli/flags.js'
import {checkSets, parseJobs, parseSeed, parseTolerance} from '../../cli/options.js'
import {loadProfile} from '../../config/index.js'
import {UsageError} from '../../errors.js'
import {getExperiment, listExperiments} from '../../experiments/registry.js'
import {runExperiments, type ExperimentRun} from '../../experiments/runner.js'
import type {ExperimentDef, ResultRow} from '../../experiments/types.js'
import {baselineFiles, manifestProfilePath, MANIFEST, readBaseline, readManifest, writeBaseline} from '../../report/baseline.js'
import {compareRows, comparisonFailed, renderComparison} from '../../report/compare.js'
import {toCsv} from '../../report/csv.js'
import {readResultCsv} from '../../report/csvread.js'
import {createProgress} from '../../report/progress.js'

export default class BenchCompare extends BaseCommand {
  static override description =
    'Re-run the experiments in quick mode and compare every metric with a baseline (exit 1 if any moved beyond the tolerance)'
  static override examples = [
    '<%= config.bin %> bench compare --baseline results/baseline',
    '<%= config.bin %> bench compare --baseline results/baseline --experiment syscall-overhead --tolerance 0.05',
    '<%= config.bin %> bench compare --baseline results/baseline --set cpu.syscallEntry=80   # what moves if a constant changes',
    '<%= config.bin %> bench compare --baseline results/baseline --update   # after an intended model change (say why in the commit)',
  ]
  static override flags = {
    baseline: Flags.string({description: `baseline directory (${MANIFEST} + <id>.csv per experiment)`, helpValue: 'DIR', default: 'results/baseline'}),
    tolerance: Flags.string({description: 'relative change a metric may move, e.g. 0.02 = 2% [default: 0.02]', helpValue: 'X'}),
    experiment: Flags.string({description: 'only these experiments (comma list or repeated) [default: all registered]', helpValue: 'id', multiple: true}),
    update: Flags.boolean({description: 'rewrite the baseline from a fresh quick run instead of comparing'}),
    seed: Flags.string({description: "run seed; must be the baseline's when comparing [default: the baseline's, else 1]", helpValue: 'N'}),
    config: Flags.string({description: "machine profile file; must hash as the baseline's when comparing [default: the baseline's]", helpValue: 'FILE'}),
    set: runFlags.set,
    jobs: runFlags.jobs,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(BenchCompare)
    const dir = flags.baseline
    const tolerance = parseTolerance(flags.tolerance)
    const jobs = parseJobs(flags.jobs)
    const sets = checkSets(flags.set)
    const only = flags.experiment?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
    const defs = only ? [...new Set(only)].map(getExperiment) : [...listExperiments()]
    if (flags.update) return this.update(dir, defs, only !== undefined, flags.seed, flags.config, sets, jobs)

    const baseline = readBaseline(dir)
    const m = baseline.manifest
    const seed = flags.seed === undefined ? m.seed : parseSeed(flags.seed)
    if (seed !== m.seed) {
      throw new UsageError(`--seed: the baseline in ${dir} was made with seed ${m.seed}, not ${seed}; compare with its seed, or remake it with --update`)
    }
    const config = flags.config ?? manifestProfilePath(m)
    const base = loadProfile({config})
    if (base.hash !== m.profile.hash) {
      throw new UsageError(
        `the baseline in ${dir} was made with profile ${m.profile.name} (${m.profile.path}, hash ${m.profile.hash}); ` +
          `${flags.config ?? m.profile.path} now hashes to ${base.hash}: refusing to compare (remake the baseline with --update if the change is intended, and say why in the commit)`,
      )
    }
    // --set is a what-if on top of the baseline's profile: its effect is what the comparison shows.
    const profile = sets.length > 0 ? loadProfile({config, set: sets}) : base
    const runs = await this.runQuick(defs, seed, profile, jobs)
    const ids = new Set(defs.map((d) => d.id))
    // Experiments the baseline covers but that are not run: missing when comparing all, ignored when --experiment picks.
    const old = [...baseline.rows].filter(([id]) => !only || ids.has(id)).flatMap(([, rows]) => rows)
    const comparison = compareRows(old, currentRows(runs), tolerance)
    process.stdout.write(renderComparison(comparison, dir))
    if (comparisonFailed(comparison)) this.exit(1)
  }

  private async update(
    dir: string,
    defs: ExperimentDef[],
    subset: boolean,
    seedFlag: string | undefined,
    configFlag: string | undefined,
    sets: string[],
    jobs: number,
  ): Promise<void> {
    if (sets.length > 0) throw new UsageError('--set: a baseline is made from a profile file as it is (use --set when comparing, to see what moves)')
    const previous = readManifest(dir)
    const seed = seedFlag === undefined ? (previous?.seed ?? parseSeed(undefined)) : parseSeed(seedFlag)
    const profile = loadProfile({config: configFlag ?? (previous ? manifestProfilePath(previous) : undefined)})
    if (subset && previous && (previous.seed !== seed || previous.profile.hash !== profile.hash)) {
      throw new UsageError(
        `--experiment: the baseline in ${dir} was made with seed ${previous.seed} and profile hash ${previous.profile.hash}, this run uses seed ${seed} and ${profile.hash}; ` +
          'update every experiment (no --experiment) to change seed or profile',
      )
    }
    const runs = await this.runQuick(defs, seed, profile, jobs)
    const registered = new Set(listExperiments().map((e) => e.id))
    const keep = subset ? (previous?.experiments ?? []).filter((id) => registered.has(id)) : []
    const files = baselineFiles(dir, runs, profile, seed, keep)
    const now = new Set([...keep, ...runs.map((r) => r.experiment.id)])
    writeBaseline(dir, files, (previous?.experiments ?? []).filter((id) => !now.has(id)))
    const rows = runs.reduce((n, r) => n + r.rows.length, 0)
    process.stdout.write(`baseline updated: ${runs.length} experiment${runs.length === 1 ? '' : 's'}, ${rows} rows, seed ${seed}, profile ${profile.name} (${profile.hash}) -> ${dir}\n`)
  }

  private async runQuick(defs: ExperimentDef[], seed: number, profile: ReturnType<typeof loadProfile>, jobs: number): Promise<ExperimentRun[]> {
    const progress = createProgress('bench compare')
    return runExperiments(defs, {seed, quick: true, profile, jobs, onTaskDone: (d, t) => progress.update(d, t)}).finally(() => progress.stop())
  }
}

/** The new rows as their CSV would read back, so both sides of the comparison went through the same format. */
function currentRows(runs: readonly ExperimentRun[]): ResultRow[] {
  return runs.flatMap((r) => readResultCsv(toCsv(r.rows), `${r.experiment.id} (this run)`))
}
