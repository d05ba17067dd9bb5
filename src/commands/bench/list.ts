import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {rejectFlagLikeArgs} from '../../cli/options.js'
import {UsageError} from '../../errors.js'
import {listExperiments} from '../../experiments/registry.js'

export default class BenchList extends BaseCommand {
  static override description = 'List the experiments (one per figure or table of the paper)'
  static override examples = ['<%= config.bin %> bench list', '<%= config.bin %> bench list --json']
  // Not strict, so that a stray argument reaches run() (and gets one clear line) instead of oclif's command lookup.
  static override strict = false
  static override flags = {
    json: Flags.boolean({description: 'print id, title, what it reproduces, systems, axes and metrics as JSON'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(BenchList)
    rejectFlagLikeArgs(argv as string[], Object.keys(BenchList.flags))
    if (argv.length > 0) throw new UsageError(`bench list takes no arguments (got '${argv[0]}'); to run an experiment: virtuos bench run ${argv[0]}`)
    const experiments = listExperiments()
    if (flags.json) {
      const out = experiments.map((e) => ({
        id: e.id,
        title: e.title,
        reproduces: e.reproduces,
        claim: e.claim ?? null,
        systems: e.systems,
        axes: e.axes,
        metrics: e.metrics,
      }))
      process.stdout.write(JSON.stringify(out, null, 2) + '\n')
      return
    }
    if (experiments.length === 0) process.stderr.write('no experiments registered yet\n')
    const width = Math.max(0, ...experiments.map((e) => e.id.length))
    for (const e of experiments) process.stdout.write(`${e.id.padEnd(width)}  ${e.title} (${e.reproduces})\n`)
  }
}
