import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {runFlags} from '../../cli/flags.js'
import {compareWithClaims, emitComparison, gateFlags, parseGateFlags} from '../../cli/gate.js'
import {checkSets, commaList, parseJobs, parseReplicates, parseSeed} from '../../cli/options.js'
import {loadProfile} from '../../config/index.js'
import {UsageError} from '../../errors.js'
import {findExperiment, getExperiment, listExperiments} from '../../experiments/registry.js'
import {runExperiments, type ExperimentRun} from '../../experiments/runner.js'
import type {ExperimentDef, ResultRow} from '../../experiments/types.js'
import {
  baselineFiles,
  type BaselineManifest,
  manifestProfilePath,
  MANIFEST,
  readBaseline,
  readManifest,
  writeBaseline,
} from '../../report/baseline.js'
import type {ComparisonJson} from '../../report/compare.js'
import {toCsv} from '../../report/csv.js'
import {readResultCsv} from '../../report/csvread.js'
import {runProgress, warnJobs} from '../../cli/setup.js'

export interface UpdateJson {
  updated: true
  baseline: string
  experiments: string[]
  rows: number
  seed: number
  profile: {name: string; hash: string}
}

export default class BenchCompare extends BaseCommand {
  static override description =
    "Re-run the baseline's experiments in quick mode and compare every metric with it: exit 0 same, 3 a figure moved (or a claim verdict flipped), 2 bad input, 1 internal error"
  static override examples = [
    '<%= config.bin %> bench compare --baseline results/baseline',
    '<%= config.bin %> bench compare --baseline results/baseline --experiment syscall-overhead --tolerance 5%',
    '<%= config.bin %> bench compare --metric-tolerance latency_ns=5% --abs-tolerance 0.01 --junit compare.xml --markdown "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> bench compare --baseline results/baseline --set cpu.syscallEntry=80   # what moves if a constant changes',
    '<%= config.bin %> bench compare --baseline results/baseline --update   # after an intended model change (say why in the commit)',
  ]
  static override enableJsonFlag = true
  static override flags = {
    baseline: Flags.string({
      description: `baseline directory (${MANIFEST} + <id>.csv per experiment)`,
      helpValue: 'DIR',
      default: 'results/baseline',
    }),
    ...gateFlags,
    experiment: Flags.string({
      description: 'only these experiments (comma list or repeated) [default: those the baseline covers]',
      helpValue: 'id',
      multiple: true,
    }),
    update: Flags.boolean({description: 'rewrite the baseline from a fresh quick run instead of comparing'}),
    seed: Flags.string({
      description: "run seed; must be the baseline's when comparing [default: the baseline's, else 1]",
      helpValue: 'N',
    }),
    replicates: Flags.string({
      description: "replicate seeds per point; must be the baseline's when comparing [default: the baseline's, else 3]",
      helpValue: 'R',
    }),
    config: Flags.string({
      description: "machine profile file; must hash as the baseline's when comparing [default: the baseline's]",
      helpValue: 'FILE',
    }),
    set: runFlags.set,
    jobs: runFlags.jobs,
  }

  async run(): Promise<ComparisonJson | UpdateJson> {
    const {flags} = await this.parse(BenchCompare)
    const dir = flags.baseline
    parseGateFlags(flags) // shape first, before the baseline is read
    const jobs = parseJobs(flags.jobs)
    const sets = checkSets(flags.set)
    const only = commaList(flags.experiment)
    if (only) for (const id of only) getExperiment(id)
    if (flags.update) {
      const defs = only ? [...new Set(only)].map(getExperiment) : [...listExperiments()]
      const given = {seed: flags.seed, replicates: flags.replicates}
      return this.update(dir, defs, only !== undefined, given, flags.config, sets, jobs)
    }

    const baseline = readBaseline(dir)
    const m = baseline.manifest
    // Only what the baseline covers is compared: by default its experiments; --experiment picks among them.
    const covered = new Set(m.experiments)
    if (only) {
      const outside = only.filter((id) => !covered.has(id))
      if (outside.length > 0) {
        throw new UsageError(
          `--experiment: the baseline in ${dir} does not cover ${outside.map((id) => `'${id}'`).join(', ')} (it covers: ${m.experiments.join(', ')}); ` +
            `add ${outside.length === 1 ? 'it' : 'them'} with --update --experiment ${outside.join(',')}`,
        )
      }
    }
    const chosen = only ? [...new Set(only)] : m.experiments
    const defs = chosen.map((id) => findExperiment(id)).filter((d): d is ExperimentDef => d !== undefined)
    const uncovered = listExperiments()
      .filter((d) => !covered.has(d.id))
      .map((d) => d.id)
    if (!only && uncovered.length > 0) {
      process.stderr.write(
        `virtuos: warning: not compared, the baseline in ${dir} does not cover ${uncovered.join(', ')} (add with --update --experiment ${uncovered.join(',')})\n`,
      )
    }
    const oldRows = chosen.flatMap((id) => baseline.rows.get(id) ?? [])
    const tolerances = parseGateFlags(flags, new Set(oldRows.map((r) => r.metric)))
    const {seed, replicates} = baselineSeeds(flags, m, dir)
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
    const runs = await this.runQuick(defs, {seed, replicates}, profile, jobs)
    // An experiment the baseline lists but no longer registered shows as missing rows.
    const comparison = compareWithClaims(oldRows, currentRows(runs), tolerances)
    return emitComparison(comparison, dir, flags, this.jsonEnabled(), 'bench compare')
  }

  private async update(
    dir: string,
    defs: ExperimentDef[],
    subset: boolean,
    given: {seed: string | undefined; replicates: string | undefined},
    configFlag: string | undefined,
    sets: string[],
    jobs: number,
  ): Promise<UpdateJson> {
    if (sets.length > 0)
      throw new UsageError(
        '--set: a baseline is made from a profile file as it is (use --set when comparing, to see what moves)',
      )
    const previous = readManifest(dir)
    const seed = given.seed === undefined ? (previous?.seed ?? parseSeed(undefined)) : parseSeed(given.seed)
    const replicates =
      given.replicates === undefined
        ? (previous?.replicates ?? parseReplicates(undefined, true))
        : parseReplicates(given.replicates, true)
    const profile = loadProfile({config: configFlag ?? (previous ? manifestProfilePath(previous) : undefined)})
    const same = previous && previous.seed === seed && previous.profile.hash === profile.hash
    if (subset && previous && (!same || (previous.replicates ?? 1) !== replicates)) {
      throw new UsageError(
        `--experiment: the baseline in ${dir} was made with seed ${previous.seed}, ${previous.replicates ?? 1} replicates and profile hash ${previous.profile.hash}, ` +
          `this run uses seed ${seed}, ${replicates} replicates and ${profile.hash}; update every experiment (no --experiment) to change them`,
      )
    }
    const runs = await this.runQuick(defs, {seed, replicates}, profile, jobs)
    const registered = new Set(listExperiments().map((e) => e.id))
    const keep = subset ? (previous?.experiments ?? []).filter((id) => registered.has(id)) : []
    const files = baselineFiles(dir, runs, profile, seed, keep, replicates)
    const now = new Set([...keep, ...runs.map((r) => r.experiment.id)])
    writeBaseline(
      dir,
      files,
      (previous?.experiments ?? []).filter((id) => !now.has(id)),
    )
    const rows = runs.reduce((n, r) => n + r.rows.length, 0)
    if (!this.jsonEnabled()) {
      process.stdout.write(
        `baseline updated: ${runs.length} experiment${runs.length === 1 ? '' : 's'}, ${rows} rows, seed ${seed}, profile ${profile.name} (${profile.hash}) -> ${dir}\n`,
      )
    }
    return {
      updated: true,
      baseline: dir,
      experiments: [...now],
      rows,
      seed,
      profile: {name: profile.name, hash: profile.hash},
    }
  }

  private async runQuick(
    defs: ExperimentDef[],
    {seed, replicates}: {seed: number; replicates: number},
    profile: ReturnType<typeof loadProfile>,
    jobs: number,
  ): Promise<ExperimentRun[]> {
    warnJobs(jobs, defs, true, undefined, replicates)
    const progress = runProgress('bench compare', defs, true, undefined, replicates)
    return runExperiments(defs, {
      seed,
      replicates,
      quick: true,
      profile,
      jobs,
      onTaskDone: (d, t) => progress.update(d, t),
    }).finally(() => progress.stop())
  }
}

/** The seed and replicate count of a comparison: the baseline's, and a flag that differs is refused. */
function baselineSeeds(
  flags: {seed?: string; replicates?: string},
  m: BaselineManifest,
  dir: string,
): {seed: number; replicates: number} {
  const seed = flags.seed === undefined ? m.seed : parseSeed(flags.seed)
  if (seed !== m.seed) {
    throw new UsageError(
      `--seed: the baseline in ${dir} was made with seed ${m.seed}, not ${seed}; compare with its seed, or remake it with --update`,
    )
  }
  const made = m.replicates ?? 1
  const replicates = flags.replicates === undefined ? made : parseReplicates(flags.replicates, true)
  if (replicates !== made) {
    throw new UsageError(
      `--replicates: the baseline in ${dir} was made with ${made} replicates, not ${replicates}; compare with its count, or remake it with --update`,
    )
  }
  return {seed, replicates}
}

/** The new rows as their CSV would read back, so both sides of the comparison went through the same format. */
function currentRows(runs: readonly ExperimentRun[]): ResultRow[] {
  return runs.flatMap((r) => readResultCsv(toCsv(r.rows), `${r.experiment.id} (this run)`))
}
