import {Args} from '@oclif/core'
import {paint as chalk} from '../../cli/colour.js'
import {BaseCommand} from '../../cli/base.js'
import {formatFlag, outFlag, runFlags, systemFlag} from '../../cli/flags.js'
import {parseFormat, rejectFlagLikeArgs} from '../../cli/options.js'
import {runProgress, setupRun, warnJobs} from '../../cli/setup.js'
import {UsageError} from '../../errors.js'
import {getExperiment, listExperiments, parseSystems, selectSystems} from '../../experiments/registry.js'
import {runExperiments} from '../../experiments/runner.js'
import {toCsv} from '../../report/csv.js'
import {checkOutDir, writeResults} from '../../report/files.js'
import {toJson, toJsonRows} from '../../report/json.js'
import type {FlatRow} from '../../report/columns.js'
import {renderTable} from '../../report/table.js'

export default class BenchRun extends BaseCommand {
  static override description = 'Run experiments and print their rows (and optionally write CSV + metadata)'
  static override examples = [
    '<%= config.bin %> bench run syscall-overhead',
    '<%= config.bin %> bench run syscall-overhead --system native,virtuos --format csv > out.csv',
    '<%= config.bin %> bench run syscall-overhead --full --seed 7 --out results --set cpu.syscallEntry=80',
  ]
  // Variadic ids: oclif leaves extra arguments in argv only when not strict.
  static override strict = false
  static override args = {id: Args.string({description: 'experiment ids (see `bench list`)'})}
  static override enableJsonFlag = true
  static override flags = {...runFlags, system: systemFlag, format: formatFlag, out: outFlag()}

  async run(): Promise<FlatRow[]> {
    const {argv, flags} = await this.parse(BenchRun)
    const ids = argv as string[]
    rejectFlagLikeArgs(ids, [...Object.keys(BenchRun.flags), 'json'])
    if (ids.length === 0) {
      const known =
        listExperiments()
          .map((e) => e.id)
          .join(', ') || 'none registered yet'
      throw new UsageError(`missing experiment id (accepted: ${known}; \`bench paper\` runs them all)`)
    }
    const defs = [...new Set(ids)].map(getExperiment)
    const systems = parseSystems(flags.system ?? [])
    for (const def of defs) selectSystems(def, systems)
    const format = parseFormat(flags.format)
    if (flags.out !== undefined) checkOutDir(flags.out)
    const setup = setupRun(flags)

    warnJobs(setup.jobs, defs, setup.quick, systems, setup.replicates)
    const progress = runProgress('bench run', defs, setup.quick, systems, setup.replicates)
    const runs = await runExperiments(defs, {...setup, systems, onTaskDone: (d, t) => progress.update(d, t)}).finally(
      () => progress.stop(),
    )

    if (flags.out !== undefined) writeResults(flags.out, runs, setup.sets)
    const rows = runs.flatMap((r) => r.rows)
    // --json (oclif's, as every command) and --format json (kept as an alias) print the same records
    if (this.jsonEnabled()) return toJsonRows(rows)
    if (format === 'csv') process.stdout.write(toCsv(rows))
    else if (format === 'json') process.stdout.write(toJson(rows))
    else process.stdout.write(runs.map((r) => renderTable(r, chalk)).join('\n'))
    return toJsonRows(rows)
  }
}
