import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {rejectFlagLikeArgs} from '../../cli/options.js'
import {readProfileJson, validateProfile} from '../../config/index.js'
import {UsageError} from '../../errors.js'

/** `config validate --json` (schemas/config-validate.schema.json); exit 2 when any file has problems. */
export interface ValidateJson {
  files: {file: string; ok: boolean; problems: string[]}[]
}

export default class ConfigValidate extends BaseCommand {
  static override description = 'Check machine profiles: every key present, values in range, units fit, sources given'
  static override examples = ['<%= config.bin %> config validate configs/*.json']
  // Variadic files: oclif leaves extra arguments in argv only when not strict.
  static override strict = false
  static override enableJsonFlag = true
  static override args = {file: Args.string({description: 'profile files (JSON)'})}

  async run(): Promise<ValidateJson> {
    const {argv} = await this.parse(ConfigValidate)
    const files = argv as string[]
    rejectFlagLikeArgs(files, ['json'])
    if (files.length === 0)
      throw new UsageError(
        'missing profile file (expected one or more JSON files, e.g. `virtuos config validate configs/*.json`)',
      )
    const json = this.jsonEnabled()
    const out: ValidateJson = {files: []}
    for (const file of files) {
      try {
        validateProfile(readProfileJson(file), file)
        out.files.push({file, ok: true, problems: []})
        if (!json) process.stdout.write(`ok ${file}\n`)
      } catch (e) {
        if (!(e instanceof UsageError)) throw e
        // one line per problem, unlike other commands' single line: a profile can have many
        out.files.push({file, ok: false, problems: e.message.split('\n')})
        if (!json) process.stderr.write(e.message + '\n')
      }
    }
    if (out.files.some((f) => !f.ok)) {
      // --json: the document is printed, then exit 2; otherwise exit 2 now (problems are on stderr)
      if (json) process.exitCode = 2
      else this.exit(2)
    }
    return out
  }
}
