import {Args, Flags} from '@oclif/core'
import {paint as chalk} from '../../cli/colour.js'
import {BaseCommand} from '../../cli/base.js'
import {formatFlag, noCacheFlag, outFlag, runFlags, systemFlag} from '../../cli/flags.js'
import {parseFormat, rejectFlagLikeArgs} from '../../cli/options.js'
import {runProgress, setupRun, taskCacheFor, warnJobs, type RunSetup} from '../../cli/setup.js'
import {runShardToFile, shardFlag, shardLine, type ShardRunJson} from '../../cli/shard.js'
import {parseSweep, runSweep, sweptSet} from '../../cli/sweep.js'
import {parsePoint, runTrace, traceSystem, type TraceJson} from '../../cli/trace.js'
import {runBreakdown} from '../../cli/breakdown.js'
import {renderBreakdown} from '../../report/breakdown.js'
import {parseShard} from '../../experiments/shard.js'
import {UsageError} from '../../errors.js'
import {getExperiment, listExperiments, parseSystems, selectSystems} from '../../experiments/registry.js'
import {runExperiments} from '../../experiments/runner.js'
import type {ExperimentDef, SystemId} from '../../experiments/types.js'
import {toCsv} from '../../report/csv.js'
import {checkOutDir, writeResults} from '../../report/files.js'
import {toJson, toJsonRows} from '../../report/json.js'
import type {FlatRow} from '../../report/columns.js'
import type {RowsWithCounters} from '../../report/counters.js'
import {renderTable} from '../../report/table.js'
import {counterRecords, renderCounters, withCounters, writeCounters} from '../../report/counters.js'
import {reproducesHelp} from './list.js'

export default class BenchRun extends BaseCommand {
  static override description =
    'Run experiments and print their rows (and optionally write CSV + metadata)\n\n' +
    `Experiments and the figure or table of the paper each reproduces:\n${reproducesHelp()}`
  static override examples = [
    '<%= config.bin %> bench run syscall-overhead',
    '<%= config.bin %> bench run syscall-overhead --system native,virtuos --format csv > out.csv',
    '<%= config.bin %> bench run syscall-overhead --full --seed 7 --out results --set cpu.syscallEntry=80',
    '<%= config.bin %> bench run oltp --system virtuos --point threads=4,sync_commit=on --trace oltp.trace.json',
    '<%= config.bin %> bench run syscall-overhead --sweep hypervisor.pvGuestModeSwitch=50:300:6 --format csv',
    '<%= config.bin %> bench run oltp --full --shard 1/4 --out shards   # then: bench merge shards --out results',
    '<%= config.bin %> bench run copy-overhead --counters --out results   # also results/copy-overhead.counters.csv',
  ]
  // Variadic ids: oclif leaves extra arguments in argv only when not strict.
  static override strict = false
  static override args = {id: Args.string({description: 'experiment ids (see `bench list`)'})}
  static override enableJsonFlag = true
  static override flags = {
    ...runFlags,
    system: systemFlag,
    format: formatFlag,
    out: outFlag(),
    trace: Flags.string({
      description:
        'instead of the sweep: run one point (--point) on one system under its first replicate seed and write every ' +
        "thread's CPU time to FILE (Chrome Trace Event JSON: ui.perfetto.dev, chrome://tracing)",
      helpValue: 'FILE',
    }),
    point: Flags.string({description: 'the point to --trace, every axis: k=v,k2=v2', helpValue: 'k=v,...'}),
    breakdown: Flags.boolean({
      description:
        "also run each experiment's breakdown point once per system and show where the cycles go (activity x domain); " +
        'with --out, writes <id>.breakdown.csv beside <id>.csv',
    }),
    shard: shardFlag,
    'no-cache': noCacheFlag,
    counters: Flags.boolean({
      description:
        "also the machine's counters per system, domain, mode and core group (cycles, instructions, IPC, MPKI per " +
        'level) at every point: printed after the rows, in --json as {rows, counters}, and with --out DIR as ' +
        'DIR/<id>.counters.csv',
    }),
    sweep: Flags.string({
      description:
        'run at each value of one profile constant, as an extra axis column named by the key: key=v1,v2,... or key=lo:hi:steps',
      helpValue: 'KEY=V1,V2',
    }),
  }

  async run(): Promise<FlatRow[] | RowsWithCounters | TraceJson | ShardRunJson> {
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
    refuseFlagMixes(flags)
    const shard = parseShard(flags.shard)
    const setup = setupRun(flags)
    if (flags.trace !== undefined) return this.trace(defs, systems, flags.trace, flags.point, setup)
    const sweep = parseSweep(flags.sweep, setup.profile)
    if (sweep && shard) throw new UsageError('--sweep with --shard: shard the sweep by running each value with --set')
    if (shard) {
      warnJobs(setup.jobs, defs, setup.quick, systems, setup.replicates)
      const j = await runShardToFile('run', defs, setup, shard, flags.out!, systems)
      if (!this.jsonEnabled()) process.stdout.write(shardLine(j))
      return j
    }

    warnJobs(setup.jobs, defs, setup.quick, systems, setup.replicates)
    const progress = runProgress('bench run', defs, setup.quick, systems, setup.replicates)
    const cache = taskCacheFor(flags.out, flags['no-cache'])
    const options = {...setup, systems, cache, onTaskDone: (d: number, t: number) => progress.update(d, t)}
    const runs = await (sweep ? runSweep(defs, options, sweep) : runExperiments(defs, options)).finally(() =>
      progress.stop(),
    )

    if (flags.breakdown) for (const run of runs) run.breakdown = runBreakdown(run.experiment, run.systems, setup)
    if (flags.out !== undefined) writeResults(flags.out, runs, sweep ? [...setup.sets, sweptSet(sweep)] : setup.sets)
    if (flags.counters && flags.out !== undefined) writeCounters(flags.out, runs)
    const rows = runs.flatMap((r) => r.rows)
    const counters = flags.counters ? runs.flatMap(counterRecords) : undefined
    // --json (oclif's, as every command) and --format json (kept as an alias) print the same records
    if (this.jsonEnabled()) return withCounters(toJsonRows(rows), counters)
    if (format === 'csv') process.stdout.write(toCsv(rows))
    else if (format === 'json') process.stdout.write(toJson(rows))
    else process.stdout.write(runs.map((r) => renderTable(r, chalk)).join('\n'))
    // beside the table on stdout; with csv or json there, on stderr so the data stays parseable
    const side = format === 'table' ? process.stdout : process.stderr
    if (counters) side.write(runs.map(renderCounters).join('\n'))
    const breakdowns = runs.flatMap((r) => (r.breakdown ? [renderBreakdown(r.breakdown, chalk)] : []))
    if (breakdowns.length > 0) side.write(`\n${breakdowns.join('\n')}`)
    return withCounters(toJsonRows(rows), counters)
  }

  private trace(defs: ExperimentDef[], systems: SystemId[], file: string, raw: string | undefined, setup: RunSetup) {
    if (defs.length !== 1) throw new UsageError(`--trace: one experiment at a time (got ${defs.length})`)
    const def = defs[0]
    const t = runTrace(def, traceSystem(def, systems), parsePoint(def, raw), file, setup)
    const dropped = t.droppedSpans > 0 ? ` (${t.droppedSpans} more dropped: the file keeps the first ${t.spans})` : ''
    if (!this.jsonEnabled())
      process.stderr.write(
        `trace: ${t.spans} spans${dropped} -> ${file} (open in ui.perfetto.dev or chrome://tracing)\n`,
      )
    return t
  }
}

/** Flags that do not go together, refused before anything runs. */
function refuseFlagMixes(flags: Record<string, unknown>): void {
  if (flags.point !== undefined && flags.trace === undefined) throw new UsageError('--point: only with --trace FILE')
  if (flags.trace !== undefined && (flags.out !== undefined || flags.format !== undefined))
    throw new UsageError('--trace: writes the trace only; leave out --out and --format (run the sweep without --trace)')
  if (flags.breakdown && (flags.trace !== undefined || flags.shard !== undefined || flags.sweep !== undefined))
    throw new UsageError('--breakdown: with a plain run only (leave out --trace, --shard and --sweep)')
  if (flags.shard !== undefined && (flags.out === undefined || flags.trace !== undefined || flags.format !== undefined))
    throw new UsageError('--shard: writes DIR/shard-K-of-N.json; give --out DIR, and leave out --trace and --format')
  if (flags.counters && (flags.trace !== undefined || flags.shard !== undefined))
    throw new UsageError(
      '--counters: leave out --trace and --shard (run the sweep whole to print or write the counters)',
    )
}
