import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {commaList} from '../../cli/options.js'
import {experimentFlag, runFlags} from '../../cli/flags.js'
import {parseEstimates, parseLevels, parseMethod, parseTrajectories} from '../../cli/sensitivity-options.js'
import {setupRun} from '../../cli/setup.js'
import {getExperiment, listExperiments} from '../../experiments/registry.js'
import {planSensitivity, runSensitivity, type SensitivityOptions} from '../../experiments/sensitivity-run.js'
import {checkOutDir} from '../../report/files.js'
import {sensitivityFiles, type SensitivityJson} from '../../report/sensitivity-files.js'
import {writeOutputFiles} from '../../report/atomic.js'
import {sensitivityShardName, sensitivityShardRun, sensitivityShardText} from '../../report/sensitivity-shard.js'
import type {ShardRunJson} from '../../cli/shard.js'
import {parseShard, type Shard} from '../../experiments/shard.js'
import type {ExperimentDef} from '../../experiments/types.js'

export default class BenchSensitivity extends BaseCommand {
  static override description =
    "Which verdicts hang on which guesses: re-run the experiments with each estimate of the profile at the ends of its plausible range (--method oat) or along Morris trajectories (--method morris); writes sensitivity.csv, robustness.json, a tornado chart per experiment and REPORT.md's section 'How robust is each verdict?'"
  static override examples = [
    '<%= config.bin %> bench sensitivity --experiment syscall-overhead,copy-overhead',
    '<%= config.bin %> bench sensitivity --method morris --trajectories 6 --out results',
    '<%= config.bin %> bench sensitivity --estimate hypervisor.pvGuestModeSwitch,cpu.wakeup --experiment oltp',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...runFlags,
    experiment: experimentFlag,
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
    out: Flags.string({
      description:
        'write sensitivity.csv, robustness.json, charts/<id>.tornado.svg into DIR and the section into DIR/REPORT.md',
      helpValue: 'DIR',
      default: 'results',
    }),
  }

  async run(): Promise<SensitivityJson | ShardRunJson> {
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
    const defs = only ? [...new Set(only)].map(getExperiment) : listExperiments()
    const options: SensitivityOptions & {sets: string[]} = {
      ...setup,
      method,
      trajectories,
      levels,
      estimates,
      onVariant: progress(setup.quick),
    }
    const plan = planSensitivity(options)
    process.stderr.write(
      `bench sensitivity: ${plan.factors.length} estimates, ${plan.variants.length} profile variants x ${defs.length} experiments; the time is the default run's x ${plan.variants.length} (shown after the first)\n`,
    )
    if (shard) return this.shard(defs, options, shard, out)
    const result = await runSensitivity(defs, options)
    const {files, json} = await sensitivityFiles(out, result, {...setup, trajectories, levels})
    writeOutputFiles(files, '--out')
    if (!this.jsonEnabled())
      process.stdout.write(
        `${json.clauses.filter((c) => !c.robust).length} of ${json.clauses.length} clauses flip within some estimate's range -> ${join(out, 'robustness.json')}, ${join(out, 'REPORT.md')}\n`,
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
    const run = sensitivityShardRun({...o, experiments: defs.map((d) => d.id)})
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

/** One line per variant on stderr; after the default, the estimated time of the rest. */
function progress(quick: boolean) {
  return (done: number, total: number, id: string, seconds: number) => {
    const eta =
      done === 1
        ? `; about ${Math.ceil((seconds * (total - 1)) / 60)} min for the other ${total - 1}${quick ? '' : ' (full mode)'}`
        : ''
    process.stderr.write(`bench sensitivity: ${id} done (${done}/${total}) in ${seconds.toFixed(1)} s${eta}\n`)
  }
}
