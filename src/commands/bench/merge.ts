import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {rejectFlagLikeArgs} from '../../cli/options.js'
import {UsageError} from '../../errors.js'
import {getExperiment} from '../../experiments/registry.js'
import {mergeShards} from '../../experiments/runner.js'
import {checkOutDir, writeResults} from '../../report/files.js'
import {writePaper} from '../../report/paper.js'
import {checkShardSet, readShardFile, shardFormat, shardPaths, shardProfile} from '../../report/shardfile.js'
import {mergeSensitivity} from '../../experiments/sensitivity-run.js'
import {writeOutputFiles} from '../../report/atomic.js'
import {sensitivityFiles} from '../../report/sensitivity-files.js'
import {robustnessLine} from '../../report/robustness-md.js'
import {readSensitivityShard, SENSITIVITY_SHARD_FORMAT, shardVariants} from '../../report/sensitivity-shard.js'

/** `bench merge --json` (schemas/bench-merge.schema.json). */
export interface MergeJson {
  out: string
  command: 'paper' | 'run' | 'sensitivity'
  shards: number
  experiments: {id: string; rows: number}[]
  files: string[]
}

export default class BenchMerge extends BaseCommand {
  static override description =
    'Join the shards of a run (`--shard K/N` of bench paper or bench run) into exactly the files the unsharded run writes: CSV, meta, and for bench paper the charts, REPORT.md and claims.json'
  static override examples = [
    '<%= config.bin %> bench merge shards --out results',
    '<%= config.bin %> bench merge shard-1/ shard-2/ shard-3/ --out results/full',
  ]
  static override enableJsonFlag = true
  static override strict = false
  static override args = {
    dir: Args.string({description: 'shard files, or directories holding shard-K-of-N.json files'}),
  }
  static override flags = {
    out: Flags.string({description: 'where the merged files go', helpValue: 'DIR', required: true}),
  }

  async run(): Promise<MergeJson> {
    const {argv, flags} = await this.parse(BenchMerge)
    const args = argv as string[]
    rejectFlagLikeArgs(args, [...Object.keys(BenchMerge.flags), 'json'])
    if (args.length === 0)
      throw new UsageError('expected the shard directories or files (bench merge DIR... --out DIR)')
    checkOutDir(flags.out)
    const paths = shardPaths(args)
    const formats = new Set(paths.map(shardFormat))
    if (formats.has(SENSITIVITY_SHARD_FORMAT)) {
      if (formats.size > 1) throw new UsageError('the files mix the shards of a run and of a sensitivity analysis')
      return this.sensitivity(paths, flags.out)
    }
    const shards = checkShardSet(paths.map((path) => ({path, file: readShardFile(path)})))
    const run = shards[0].run
    const defs = run.experiments.map(getExperiment)
    const profile = shardProfile(run)
    const options = {seed: run.seed, quick: run.quick, replicates: run.replicates, profile, jobs: 1}
    const runs = mergeShards(defs, {...options, systems: run.systems ?? undefined}, shards)
    const files =
      run.command === 'paper' ? await writePaper(flags.out, runs, run.sets) : writeResults(flags.out, runs, run.sets)
    const result: MergeJson = {
      out: flags.out,
      command: run.command,
      shards: shards.length,
      experiments: runs.map((r) => ({id: r.experiment.id, rows: r.rows.length})),
      files,
    }
    if (!this.jsonEnabled())
      process.stdout.write(
        `merged ${shards.length} shards of bench ${run.command}: ${result.experiments.map((e) => `${e.id} (${e.rows} rows)`).join(', ')} -> ${flags.out}\n`,
      )
    return result
  }

  /** The shards of `bench sensitivity --shard`: the analysis's files, as the unsharded command writes them. */
  private async sensitivity(paths: string[], out: string): Promise<MergeJson> {
    const shards = checkShardSet(paths.map((path) => ({path, file: readSensitivityShard(path)})))
    const run = shards[0].run
    const profile = shardProfile(run)
    const options = {...run, profile, jobs: 1, estimates: run.estimates ?? undefined}
    const result = mergeSensitivity(options, shardVariants(shards))
    const {files, json} = await sensitivityFiles(out, result, options)
    writeOutputFiles(files, '--out')
    if (!this.jsonEnabled())
      process.stdout.write(
        `merged ${shards.length} shards of bench sensitivity: ${robustnessLine(json.clauses)} -> ${out}\n`,
      )
    return {
      out,
      command: 'sensitivity',
      shards: shards.length,
      experiments: run.experiments.map((id) => ({id, rows: 0})),
      files: files.map((f) => f.path),
    }
  }
}
