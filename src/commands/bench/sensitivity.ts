import {availableParallelism} from 'node:os'
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {commaList} from '../../cli/options.js'
import {experimentFlag, runFlags} from '../../cli/flags.js'
import {parseEstimates, parseLevels, parseMethod, parseTrajectories} from '../../cli/sensitivity-options.js'
import {setupRun} from '../../cli/setup.js'
import {getExperiment, listExperiments, parseSystems, selectSystems} from '../../experiments/registry.js'
import {
  planSensitivity,
  runSensitivity,
  variantProfile,
  type SensitivityOptions,
} from '../../experiments/sensitivity-run.js'
import {checkOutDir} from '../../report/files.js'
import {robustnessLine} from '../../report/robustness-md.js'
import {sensitivityFiles, type SensitivityJson} from '../../report/sensitivity-files.js'
import {writeOutputFiles} from '../../report/atomic.js'
import {sensitivityShardName, sensitivityShardRun, sensitivityShardText} from '../../report/sensitivity-shard.js'
import type {ShardRunJson} from '../../cli/shard.js'
import {inShard, parseShard, type Shard} from '../../experiments/shard.js'
import type {ExperimentRun} from '../../experiments/runner.js'
import {pruneVariants, taskCount, type PlannedVariant} from '../../experiments/sensitivity-prune.js'
import {codeHash} from '../../experiments/task-cache.js'
import {sensitivityPlanJson, sensitivityPlanText, type SensitivityPlanJson} from '../../report/sensitivity-plan.js'
import {
  READS_FILE,
  readReadsFile,
  readsFileText,
  recordedCost,
  recordedReads,
  type ReadsIdentity,
  type RecordedCost,
} from '../../report/sensitivity-reads-file.js'
import type {ExperimentDef} from '../../experiments/types.js'
import {narrowToAnalysed} from '../../experiments/sensitivity-systems.js'

export default class BenchSensitivity extends BaseCommand {
  static override description =
    "Which verdicts hang on which guesses: re-run the experiments with each estimate of the profile at the ends of its plausible range (--method oat) or along Morris trajectories (--method morris); writes sensitivity.csv, robustness.json, a tornado chart per experiment and REPORT.md's section 'How robust is each verdict?'"
  static override examples = [
    '<%= config.bin %> bench sensitivity --experiment syscall-overhead,copy-overhead',
    '<%= config.bin %> bench sensitivity --dry-run --jobs 2   # the plan and its estimated time, before and after pruning',
    '<%= config.bin %> bench sensitivity --method morris --trajectories 6 --out results',
    '<%= config.bin %> bench sensitivity --estimate hypervisor.pvGuestModeSwitch,cpu.wakeup --experiment oltp',
    '<%= config.bin %> bench sensitivity --experiment mt-server --system native,virtuos,flexsc   # these systems, not only those the clauses read',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...runFlags,
    experiment: experimentFlag,
    system: Flags.string({
      description:
        'only these systems (native, virtuos, flexsc, driver-domain, multiserver; comma list or repeated) [default: per experiment, those its clauses and its headline read]',
      helpValue: 'a,b',
      multiple: true,
    }),
    estimate: Flags.string({
      description: 'only these estimates (profile keys; comma list or repeated) [default: every estimate]',
      helpValue: 'key',
      multiple: true,
    }),
    method: Flags.string({
      description: 'oat: each estimate to each end of its range; morris: elementary effects [default: oat]',
      helpValue: 'oat|morris',
    }),
    trajectories: Flags.string({description: 'Morris trajectories [default: 4]', helpValue: 'N'}),
    levels: Flags.string({description: 'Morris grid levels, even [default: 4]', helpValue: 'P'}),
    shard: Flags.string({
      description:
        'run only shard K of N of the profile variants and write DIR/sensitivity-shard-K-of-N.json; `bench merge` joins the N shards into the analysis',
      helpValue: 'K/N',
    }),
    'dry-run': Flags.boolean({
      description:
        'print the plan (variants, tasks, estimated host time before and after pruning) and exit without running',
    }),
    out: Flags.string({
      description:
        'write sensitivity.csv, robustness.json, charts/<id>.tornado.svg into DIR and the section into DIR/REPORT.md',
      helpValue: 'DIR',
      default: 'results',
    }),
  }

  async run(): Promise<SensitivityJson | ShardRunJson | SensitivityPlanJson> {
    const {flags} = await this.parse(BenchSensitivity)
    const out = flags.out ?? 'results'
    checkOutDir(out)
    const method = parseMethod(flags.method)
    const trajectories = parseTrajectories(flags.trajectories)
    const levels = parseLevels(flags.levels)
    const setup = setupRun(flags)
    const estimates = parseEstimates(flags.estimate, setup.profile)
    const shard = parseShard(flags.shard)
    const only = commaList(flags.experiment)
    const chosen = only ? [...new Set(only)].map(getExperiment) : listExperiments()
    const systems = parseSystems(flags.system ?? [])
    for (const def of chosen) selectSystems(def, systems)
    // a system no clause or headline reads cannot change what the analysis reports
    const defs = systems.length > 0 ? chosen : chosen.map(narrowToAnalysed)
    const given = {...setup, systems, method, trajectories, levels, estimates}
    const forecast = new Forecast(defs, given, out, shard)
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) process.stdout.write(forecast.text)
      return forecast.json
    }
    process.stderr.write(forecast.text)
    const options: SensitivityOptions & {sets: string[]} = {
      ...given,
      onVariant: progress(),
      onDefault: (runs, planned) => process.stderr.write(forecast.afterDefault(runs, planned)),
    }
    if (shard) return this.shard(defs, options, shard, out)
    const result = await runSensitivity(defs, options)
    const {files, json} = await sensitivityFiles(out, result, {...setup, trajectories, levels})
    writeOutputFiles(files, '--out')
    if (!this.jsonEnabled())
      process.stdout.write(
        `${robustnessLine(json.clauses)} -> ${join(out, 'robustness.json')}, ${join(out, 'REPORT.md')}\n`,
      )
    return json
  }

  private async shard(
    defs: readonly ExperimentDef[],
    o: SensitivityOptions & {sets: string[]},
    shard: Shard,
    out: string,
  ) {
    const result = await runSensitivity(defs, o, shard)
    const run = sensitivityShardRun({
      ...o,
      experiments: defs.map((d) => d.id),
      experimentSystems: defs.map((d) => selectSystems(d, o.systems)),
    })
    const file = join(out, sensitivityShardName(shard))
    writeOutputFiles([{path: file, data: sensitivityShardText(run, shard, result)}], '--out')
    const j: ShardRunJson = {shard, file, tasks: result.variants.length, experiments: run.experiments}
    if (!this.jsonEnabled())
      process.stdout.write(
        `shard ${shard.index}/${shard.count}: ${j.tasks} profile variants -> ${file} (join the shards with \`bench merge\`)\n`,
      )
    return j
  }
}

/** One line per variant on stderr (the estimate is the plan's, printed before and after the default run). */
function progress() {
  return (done: number, total: number, id: string, seconds: number) =>
    process.stderr.write(`bench sensitivity: ${id} done (${done}/${total}) in ${seconds.toFixed(1)} s\n`)
}

/**
 * The plan before running, from what is recorded in `out` (the last analysis's reads and costs, or
 * meta files); after the default run, the same from what it measured, and the reads recorded.
 */
class Forecast {
  readonly json: SensitivityPlanJson
  readonly text: string
  private readonly identity: ReadsIdentity
  private readonly tasks: number[]
  private readonly workers: number
  private readonly previous

  constructor(
    private readonly defs: readonly ExperimentDef[],
    private readonly o: SensitivityOptions,
    private readonly out: string,
    private readonly shard?: Shard,
  ) {
    const plan = planSensitivity(o)
    const mine = plan.variants.filter((_, i) => shard === undefined || inShard(i, shard))
    this.identity = {
      profileHash: o.profile.hash,
      code: codeHash(),
      quick: o.quick,
      seed: o.seed,
      replicates: o.replicates ?? 1,
    }
    this.previous = readReadsFile(out)
    const reads = recordedReads(this.previous, this.identity, defs)
    const planned = pruneVariants(defs, o.profile, mine, reads, (v) => variantProfile(o.profile, v))
    this.tasks = defs.map((d) => taskCount(d, o.quick, o.replicates ?? 1, o.systems))
    this.workers = Math.max(1, Math.min(o.jobs, availableParallelism()))
    this.json = this.plan(planned, recordedCost(out, defs, o.quick), reads)
    this.text = sensitivityPlanText(this.json, join(out, READS_FILE))
  }

  private plan(
    planned: readonly PlannedVariant[],
    cost: RecordedCost,
    reads: readonly (readonly string[] | undefined)[],
  ) {
    const n = planSensitivity(this.o).factors.length
    const systems = this.defs.map((d) => selectSystems(d, this.o.systems))
    return sensitivityPlanJson(this.o.method, n, this.defs, planned, this.tasks, systems, cost, reads, this.workers)
  }

  /**
   * Records the default run's reads and costs in `out` (not a shard's: it writes its shard file
   * only, and its siblings may share the folder); the plan as they prune it.
   */
  afterDefault(runs: readonly ExperimentRun[], planned: readonly PlannedVariant[]): string {
    if (!this.shard) {
      const data = readsFileText(this.identity, runs, this.previous)
      writeOutputFiles([{path: join(this.out, READS_FILE), data}], '--out')
    }
    const cost: RecordedCost = {
      perTask: runs.map((r) => r.engine.hostSeconds / Math.max(1, r.engine.points)),
      from: runs.map(() => 'the default run'),
    }
    const json = this.plan(
      planned,
      cost,
      runs.map((r) => r.reads),
    )
    const where = this.shard ? 'this shard' : join(this.out, READS_FILE)
    return `bench sensitivity: the default run is done; its reads prune the plan:\n${sensitivityPlanText(json, where)}`
  }
}
