import {basename, dirname} from 'node:path'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {commaList, rejectFlagLikeArgs} from '../../cli/options.js'
import {UsageError} from '../../errors.js'
import {listExperiments} from '../../experiments/registry.js'
import {writeOutputFiles} from '../../report/atomic.js'
import {HTML_FILE} from '../../report/html.js'
import {CHART_DIR, paperFiles, replacedCharts, REPORT_FILE} from '../../report/paper.js'
import {csvIds, loadRun, overridesOf} from '../../report/resultdir.js'

export interface ReportJson {
  dir: string
  experiments: string[]
  files: string[]
}

export default class BenchReport extends BaseCommand {
  static override description =
    'Redraw the charts (SVG, PNG), REPORT.md, report.html and the design-space summary (design-space.csv) of a result folder from the <id>.csv and <id>.meta.json files there, without re-running anything'
  static override examples = [
    '<%= config.bin %> bench report results',
    '<%= config.bin %> bench report results/baseline --experiment oltp,ttcp',
  ]
  static override enableJsonFlag = true
  static override args = {
    dir: Args.string({
      description: 'result folder (written by bench paper, bench run --out, or a baseline)',
      required: false,
    }),
  }
  static override flags = {
    experiment: Flags.string({
      description:
        'only these experiments of the folder (comma list or repeated) [default: every registered one with a CSV there]',
      helpValue: 'id',
      multiple: true,
    }),
  }

  async run(): Promise<ReportJson> {
    const {args, argv, flags} = await this.parse(BenchReport)
    rejectFlagLikeArgs(argv as string[], ['experiment', 'json'])
    const dir = args.dir
    if (dir === undefined || dir.trim() === '')
      throw new UsageError('missing result folder (e.g. `virtuos bench report results`)')
    const present = csvIds(dir, 'DIR')
    const registered = new Set(listExperiments().map((d) => d.id))
    const only = commaList(flags.experiment)
    if (only) {
      const absent = only.filter((id) => !present.includes(id))
      if (absent.length > 0)
        throw new UsageError(
          `--experiment: no ${absent.map((id) => `${id}.csv`).join(', ')} in ${dir} (found: ${present.join(', ') || 'no CSV'})`,
        )
    }
    const ids = (only ?? present).filter((id) => registered.has(id))
    const ignored = present.filter((id) => !registered.has(id))
    if (ids.length === 0)
      throw new UsageError(
        `DIR: no result CSV of a registered experiment in ${dir} (found: ${present.join(', ') || 'no CSV'})`,
      )
    const warn = (line: string) => process.stderr.write(`virtuos: warning: ${line}\n`)
    if (ignored.length > 0 && !only)
      warn(
        `${ignored.map((id) => `${id}.csv`).join(', ')} in ${dir}: not a registered experiment, left out of the report`,
      )
    // registry order, as bench paper writes it
    const order = listExperiments()
      .map((d) => d.id)
      .filter((id) => ids.includes(id))
    const runs = order.map((id) => loadRun(dir, id, warn))
    const overrides = overridesOf(dir, order[0])
    const files = await paperFiles(dir, runs, overrides, {results: false})
    writeOutputFiles(files, 'DIR', replacedCharts(dir, order))
    const charts = files.filter((f) => basename(dirname(f.path)) === CHART_DIR).length
    if (!this.jsonEnabled())
      process.stdout.write(
        `redrew ${charts} chart files, ${REPORT_FILE} and ${HTML_FILE} of ${order.length} experiment${order.length === 1 ? '' : 's'} in ${dir}\n`,
      )
    return {dir, experiments: order, files: files.map((f) => f.path)}
  }
}
