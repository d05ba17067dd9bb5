import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {type LoadedProfile, listConstants, loadProfile, renderConstants} from '../../config/index.js'
import {UsageError} from '../../errors.js'

/** `config show --json` (schemas/config-show.schema.json). */
export interface ShowJson {
  name: string
  path: string
  hash: string
  description: string
  illustrative: boolean
  constants: ReturnType<typeof listConstants>
  estimates: string[]
  params: LoadedProfile['params']
}

export default class ConfigShow extends BaseCommand {
  static override description =
    'Show the resolved machine profile: every constant with value, unit, estimate flag and source'
  static override examples = [
    '<%= config.bin %> config show',
    '<%= config.bin %> config show --config configs/flexsc-i7.json --set cores.nativeApplication=2',
    '<%= config.bin %> config show --json',
  ]
  static override enableJsonFlag = true
  static override flags = {
    config: Flags.string({description: 'machine profile file (JSON) [default: the paper testbed]', helpValue: 'FILE'}),
    set: Flags.string({
      description: 'override one profile constant, e.g. cpu.syscallEntry=80 (repeatable)',
      helpValue: 'KEY=VALUE',
      multiple: true,
    }),
  }

  async run(): Promise<ShowJson> {
    const {flags} = await this.parse(ConfigShow)
    let loaded: LoadedProfile
    try {
      loaded = loadProfile({config: flags.config, set: flags.set})
    } catch (e) {
      if (!(e instanceof UsageError)) throw e
      // a profile can have many problems: one line each rather than the base command's single line
      process.stderr.write(
        e.message
          .split('\n')
          .map((l) => `virtuos: ${l}\n`)
          .join(''),
      )
      return this.exit(2)
    }
    const rows = listConstants(loaded.profile)
    const {name, path, hash, estimates, params} = loaded
    const out: ShowJson = {
      name,
      path,
      hash,
      description: loaded.profile.description,
      illustrative: loaded.profile.illustrative === true,
      constants: rows,
      estimates,
      params,
    }
    if (this.jsonEnabled()) return out
    const head = `${loaded.name} (${loaded.path}, hash ${loaded.hash})${loaded.profile.illustrative ? ' [illustrative]' : ''}\n${loaded.profile.description}\n\n`
    const foot = `\n${rows.length} constants, ${loaded.estimates.length} estimates (est = no citable figure, reasoning in source; doc = recorded, not used by the model)\n`
    process.stdout.write(head + renderConstants(rows) + foot)
    return out
  }
}
