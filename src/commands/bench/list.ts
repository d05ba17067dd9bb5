import {BaseCommand} from '../../cli/base.js'
import {rejectFlagLikeArgs} from '../../cli/options.js'
import {UsageError} from '../../errors.js'
import {claimText} from '../../experiments/claims.js'
import {referenceFile} from '../../experiments/references.js'
import {listExperiments} from '../../experiments/registry.js'
import type {ExperimentDef} from '../../experiments/types.js'

/** `bench list --json`: one object per experiment (schemas/bench-list.schema.json). */
export type ListJson = {
  id: string
  title: string
  reproduces: string
  /** The published figure beside which the report sets the rows (references/<id>.json); null: none. */
  published: {figure: string; citation: string; url: string; points: number} | null
  claim: string | null
  clauses: string[]
  /** Why the experiment draws no random numbers (it runs each point once); null: it is random. */
  deterministic: string | null
  systems: ExperimentDef['systems']
  axes: ExperimentDef['axes']
  metrics: ExperimentDef['metrics']
}[]

export function publishedOf(e: ExperimentDef): ListJson[number]['published'] {
  const file = referenceFile(e.id)
  if (!file) return null
  return {figure: file.figure, citation: file.paper.short, url: file.paper.url, points: (e.reference ?? []).length}
}

/** One line per experiment, `id: what it reproduces`, for the commands' --help. */
export function reproducesHelp(): string {
  return listExperiments()
    .map((e) => `  ${e.id}: ${e.reproduces}`)
    .join('\n')
}

export default class BenchList extends BaseCommand {
  static override description = 'List the experiments (one per figure or table of the paper)'
  static override examples = ['<%= config.bin %> bench list', '<%= config.bin %> bench list --json']
  // Not strict, so that a stray argument reaches run() (and gets one clear line) instead of oclif's command lookup.
  static override strict = false
  static override enableJsonFlag = true
  static override flags = {}

  async run(): Promise<ListJson> {
    const {argv} = await this.parse(BenchList)
    rejectFlagLikeArgs(argv as string[], ['json'])
    if (argv.length > 0)
      throw new UsageError(
        `bench list takes no arguments (got '${argv[0]}'); to run an experiment: virtuos bench run ${argv[0]}`,
      )
    const experiments = listExperiments()
    const out: ListJson = experiments.map((e) => ({
      id: e.id,
      title: e.title,
      reproduces: e.reproduces,
      published: publishedOf(e),
      claim: claimText(e),
      clauses: (e.clauses ?? []).map((c) => c.text),
      deterministic: e.deterministic ?? null,
      systems: e.systems,
      axes: e.axes,
      metrics: e.metrics,
    }))
    if (this.jsonEnabled()) return out
    if (experiments.length === 0) process.stderr.write('no experiments registered yet\n')
    const width = Math.max(0, ...experiments.map((e) => e.id.length))
    for (const e of experiments) process.stdout.write(`${e.id.padEnd(width)}  ${e.title} (${e.reproduces})\n`)
    return out
  }
}
