/**
 * Flags shared by the bench commands. Numeric flags are strings here and validated by options.ts,
 * so every bad value gets the same one-line message style and exit code 2.
 */
import {Flags} from '@oclif/core'
import {FORMATS} from './options.js'

/** The run's profile, seed and mode: what makes a result reproducible. */
export const runFlags = {
  // --quick and --full exclude each other: checked by setupRun (one line, rather than oclif's two)
  quick: Flags.boolean({description: 'sweep the small quick ranges (default)'}),
  full: Flags.boolean({description: "sweep the paper's full ranges (slow)"}),
  seed: Flags.string({
    description: 'run seed: same seed and profile give byte-identical CSV [default: 1]',
    helpValue: 'N',
  }),
  replicates: Flags.string({
    description:
      'replicate seeds per point of a random experiment; rows carry the mean and its 95% interval [default: 3 quick, 5 full]',
    helpValue: 'R',
  }),
  config: Flags.string({description: 'machine profile file (JSON) [default: the paper testbed]', helpValue: 'FILE'}),
  set: Flags.string({
    description: 'override one profile constant, e.g. cpu.syscallEntry=80 (repeatable)',
    helpValue: 'KEY=VALUE',
    multiple: true,
  }),
  jobs: Flags.string({description: 'worker threads [default: number of cores]', helpValue: 'N'}),
}

export const outFlag = (defaultDir?: string) =>
  Flags.string({
    description: 'write <id>.csv and <id>.meta.json per experiment into DIR',
    helpValue: 'DIR',
    default: defaultDir,
  })

export const formatFlag = Flags.string({
  description: `output format on stdout (${FORMATS.join('|')}) [default: table]`,
  helpValue: 'FORMAT',
})

export const systemFlag = Flags.string({
  description: 'only these systems (native, virtuos, flexsc, driver-domain, multiserver); comma list or repeated',
  helpValue: 'a,b',
  multiple: true,
})

/** Resumable runs: a run with --out keeps each finished task in DIR/.cache/tasks (experiments/task-cache.ts). */
export const noCacheFlag = Flags.boolean({
  description: "don't reuse or keep finished tasks in DIR/.cache (a run with --out resumes from them by default)",
})

/** `--experiment id` (comma list or repeated) of the commands that run several experiments. */
export const experimentFlag = Flags.string({
  description: 'only these experiments (comma list or repeated) [default: all]',
  helpValue: 'id',
  multiple: true,
})
