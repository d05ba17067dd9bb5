import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {runPerf, type PerfReport} from '../perf/run.js'
import {PERF_TASKS} from '../perf/tasks.js'

export default class Perf extends BaseCommand {
  static override description = "Measure the simulator's own speed (events per host second) with tinybench"
  static override examples = ['<%= config.bin %> perf', '<%= config.bin %> perf --time 200 --json', '<%= config.bin %> perf --task hold-model']
  static override enableJsonFlag = true
  static override flags = {
    time: Flags.integer({description: 'measured time per task, in ms', default: 1000, min: 1}),
    task: Flags.string({description: 'run only this task (repeatable)', multiple: true, options: PERF_TASKS.map((t) => t.name)}),
  }

  async run(): Promise<PerfReport> {
    const {flags} = await this.parse(Perf)
    const report = await runPerf({timeMs: flags.time, only: flags.task})
    const rows = [['task', 'events/s', 'samples', 'rme%'], ...report.tasks.map((t) => [t.name, t.eventsPerSecond.toLocaleString('en-US'), String(t.samples), t.rme.toFixed(2)])]
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const r of rows) this.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    return report
  }
}
