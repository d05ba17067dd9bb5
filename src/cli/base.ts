/**
 * The base of every virtuos command: maps user-fixable errors (our UsageError and oclif's own
 * flag-parse errors) to one line on stderr and exit code 2; anything else is a bug and keeps
 * oclif's default report (message and stack, exit 1). Lives outside src/commands because oclif
 * loads every file there as a command.
 */
import {Command, Errors} from '@oclif/core'
import {UsageError} from '../errors.js'

export abstract class BaseCommand extends Command {
  override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    const message = usageMessage(err)
    if (message !== undefined) {
      process.stderr.write(`virtuos: ${message}\n`)
      this.exit(2)
    }
    return super.catch(err)
  }
}

/** The one line to print for a user error, or undefined when `err` is not one. */
export function usageMessage(err: unknown): string | undefined {
  if (err instanceof UsageError) return oneLine(err.message)
  // oclif's parser errors (unknown flag, bad option value, missing argument) carry `parse`.
  if (err instanceof Errors.CLIError && 'parse' in err) return oneLine(stripAnsi(err.message))
  return undefined
}

/** oclif appends "See more help with --help" on a second line; the first line says what was wrong. */
function oneLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).filter((l) => l.length > 0)[0] ?? 'invalid input'
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '')
}
