import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {parseJobs} from '../cli/options.js'
import {runSweep} from '../check/sweep.js'
import {loadProfile} from '../config/index.js'
import {UsageError} from '../errors.js'
import {parseShard, type Shard} from '../experiments/shard.js'

/** `check --json` (schemas/check.schema.json); exit 1 when any schedule broke an invariant. */
export interface CheckJson {
  seeds: number
  seedStart: number
  /** With --shard: which share of the seed range ran. */
  shard?: Shard
  crashes: number
  events: number
  seconds: number
  failures: {seed: number; violations: string[]; schedule: string}[]
}

export default class Check extends BaseCommand {
  static override description =
    'Deterministic simulation testing: per seed, a random fault schedule (service-domain crashes at random times, during fork, during a cross-domain poll, with call pages full) on a small mixed workload with the invariants on; a violation prints the seed and schedule and exits 1'
  static override examples = [
    '<%= config.bin %> check --seeds 1000',
    '<%= config.bin %> check --seed-start 4242 --seeds 1 --jobs 1',
    '<%= config.bin %> check --seeds 10000 --shard 3/8',
  ]
  static override enableJsonFlag = true
  static override flags = {
    seeds: Flags.string({description: 'how many schedules [default: 100]', helpValue: 'N'}),
    'seed-start': Flags.string({description: 'first seed [default: 1]', helpValue: 'S'}),
    jobs: Flags.string({description: 'worker threads [default: number of cores]', helpValue: 'N'}),
    config: Flags.string({description: 'machine profile file (JSON) [default: the paper testbed]', helpValue: 'FILE'}),
    shard: Flags.string({
      description:
        'run only shard K of N of the seeds (round-robin, as bench paper --shard); the sweep passes when every shard does',
      helpValue: 'K/N',
    }),
  }

  async run(): Promise<CheckJson> {
    const {flags} = await this.parse(Check)
    const seeds = count('--seeds', flags.seeds, 100, 1)
    const seedStart = count('--seed-start', flags['seed-start'], 1, 0)
    const jobs = parseJobs(flags.jobs)
    const shard = parseShard(flags.shard)
    const profile = loadProfile(flags.config === undefined ? {} : {config: flags.config})
    const started = Date.now()
    const report = await runSweep({seeds, seedStart, jobs, params: profile.params, shard})
    for (const f of report.failures) {
      process.stderr.write(
        `violation: seed ${f.seed}: ${f.violations.join('; ')}\n  schedule: ${f.schedule}\n  reproduce: virtuos check --seed-start ${f.seed} --seeds 1\n`,
      )
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1)
    const share = shard ? `shard ${shard.index}/${shard.count} of ` : ''
    this.log(
      `${report.results.length} schedules (${share}seeds ${seedStart}..${seedStart + seeds - 1}), ${report.crashes} domain crashes, ${report.failures.length} with violations, ${report.events.toLocaleString('en-US')} events, ${secs} s`,
    )
    if (report.failures.length > 0) process.exitCode = 1
    return {
      seeds: report.results.length,
      seedStart,
      ...(shard ? {shard} : {}),
      crashes: report.crashes,
      events: report.events,
      seconds: Number(secs),
      failures: report.failures.map((f) => ({
        seed: f.seed,
        violations: [...f.violations],
        schedule: String(f.schedule),
      })),
    }
  }
}

/** A non-negative integer flag at least `min`, one line naming the flag otherwise. */
function count(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${flag}: '${raw}' is not valid (expected an integer >= ${min})`)
  return n
}
