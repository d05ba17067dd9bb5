import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {compareWithClaims, emitComparison, gateFlags, parseGateFlags} from '../../cli/gate.js'
import {commaList, rejectFlagLikeArgs} from '../../cli/options.js'
import {UsageError} from '../../errors.js'
import type {ComparisonJson} from '../../report/compare.js'
import {csvIds, readRows} from '../../report/resultdir.js'

export default class BenchDiff extends BaseCommand {
  static override description =
    "Compare the result CSVs of two folders (any two runs, profiles or seeds) without re-running: the gate's classification and exit codes (0 same, 3 moved, 2 bad input)"
  static override examples = [
    '<%= config.bin %> bench diff results/baseline results',
    '<%= config.bin %> bench diff results/seed1 results/seed2 --tolerance 5% --experiment oltp',
    '<%= config.bin %> bench diff results/xeon results/modern --json',
  ]
  static override enableJsonFlag = true
  static override args = {
    a: Args.string({description: 'the folder compared against (old)', required: false}),
    b: Args.string({description: 'the folder compared (new)', required: false}),
  }
  static override flags = {
    ...gateFlags,
    experiment: Flags.string({
      description: 'only these experiments (comma list or repeated) [default: those with a CSV in both folders]',
      helpValue: 'id',
      multiple: true,
    }),
  }

  async run(): Promise<ComparisonJson> {
    const {args, argv, flags} = await this.parse(BenchDiff)
    rejectFlagLikeArgs(argv as string[], Object.keys(BenchDiff.flags))
    if (args.a === undefined || args.b === undefined)
      throw new UsageError('expected two result folders (e.g. `virtuos bench diff results/baseline results`)')
    if (argv.length > 2) throw new UsageError(`expected two result folders, got ${argv.length} arguments`)
    parseGateFlags(flags)
    const inA = csvIds(args.a, 'DIR_A')
    const inB = csvIds(args.b, 'DIR_B')
    const only = commaList(flags.experiment)
    let ids: string[]
    if (only) {
      for (const [dir, has] of [
        [args.a, inA],
        [args.b, inB],
      ] as const) {
        const absent = only.filter((id) => !has.includes(id))
        if (absent.length > 0)
          throw new UsageError(
            `--experiment: no ${absent.map((id) => `${id}.csv`).join(', ')} in ${dir} (found: ${has.join(', ') || 'no CSV'})`,
          )
      }
      ids = [...new Set(only)]
    } else {
      ids = inA.filter((id) => inB.includes(id))
      const oneSide = [
        ...inA.filter((id) => !inB.includes(id)).map((id) => `${id} (only in ${args.a})`),
        ...inB.filter((id) => !inA.includes(id)).map((id) => `${id} (only in ${args.b})`),
      ]
      if (oneSide.length > 0) process.stderr.write(`virtuos: warning: not compared: ${oneSide.join(', ')}\n`)
    }
    if (ids.length === 0)
      throw new UsageError(
        `no experiment has a CSV in both ${args.a} and ${args.b} (found: ${inA.join(', ') || 'none'} / ${inB.join(', ') || 'none'})`,
      )
    const old = ids.flatMap((id) => readRows(args.a!, id))
    const now = ids.flatMap((id) => readRows(args.b!, id))
    // Rows are matched on experiment, system, point and metric: seed and profile may differ, that is the point of a
    // diff.
    const tolerances = parseGateFlags(flags, new Set(old.map((r) => r.metric)))
    const c = compareWithClaims(old, now, tolerances)
    return emitComparison(c, args.a, flags, this.jsonEnabled(), 'bench diff')
  }
}
