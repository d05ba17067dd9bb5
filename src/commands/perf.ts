import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {experimentSpeeds, type ExperimentSpeed} from '../perf/experiments.js'
import {runPerf, type PerfReport} from '../perf/run.js'
import {PERF_TASKS} from '../perf/tasks.js'

export default class Perf extends BaseCommand {
  static override description = "Measure the simulator's own speed (events per host second, memory) with tinybench"
  static override examples = [
    '<%= config.bin %> perf',
    '<%= config.bin %> perf --time 200 --json',
    '<%= config.bin %> perf --task hold-model',
    '<%= config.bin %> perf --experiments',
  ]
  static override enableJsonFlag = true
  static override flags = {
    time: Flags.integer({description: 'measured time per task, in ms', default: 1000, min: 1}),
    task: Flags.string({
      description: 'run only this task (repeatable)',
      multiple: true,
      options: PERF_TASKS.map((t) => t.name),
    }),
    experiments: Flags.boolean({
      description:
        'instead: one quick point of every experiment (all systems), once: events/s and simulated s per host s',
    }),
  }

  async run(): Promise<PerfReport | {experiments: ExperimentSpeed[]}> {
    const {flags} = await this.parse(Perf)
    if (flags.experiments) {
      const experiments = experimentSpeeds()
      this.table([
        ['experiment', 'events', 'host s', 'events/s', 'sim s/host s'],
        ...experiments.map((e) => [
          e.id,
          String(e.events),
          e.hostSeconds.toFixed(2),
          e.eventsPerSecond.toLocaleString('en-US'),
          e.simulatedSecondsPerHostSecond.toPrecision(3),
        ]),
      ])
      return {experiments}
    }
    const report = await runPerf({timeMs: flags.time, only: flags.task})
    this.table([
      ['task', 'events/s', 'samples', 'rme%', 'heap MiB', 'rss MiB'],
      ...report.tasks.map((t) => [
        t.name,
        t.eventsPerSecond.toLocaleString('en-US'),
        String(t.samples),
        t.rme.toFixed(2),
        t.heapUsedMiB.toFixed(1),
        t.rssMiB.toFixed(1),
      ]),
    ])
    return report
  }

  /** Left-aligned first column, the others right-aligned. */
  private table(rows: string[][]): void {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const r of rows) this.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
  }
}
