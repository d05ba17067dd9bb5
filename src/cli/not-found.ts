/**
 * oclif's `command_not_found` hook: an unknown command (`virtuos bench lsit`) gets one line on
 * stderr naming the commands that exist, and exit code 2, like every other bad input.
 */
import type {Hook} from '@oclif/core'

const hook: Hook<'command_not_found'> = async function (opts) {
  const id = opts.id.replace(/:/g, ' ')
  const commands = opts.config.commands
    .filter((c) => !c.hidden)
    .map((c) => c.id.replace(/:/g, ' '))
    .sort()
  process.stderr.write(
    `virtuos: unknown command '${id}' (commands: ${commands.join(', ')}; \`virtuos --help\` describes them)\n`,
  )
  process.exitCode = 2
  return true
}

export default hook
