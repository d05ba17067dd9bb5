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
      // under --json, stdout still holds one JSON document (schemas/error.schema.json)
      if (this.jsonWanted()) process.stdout.write(`${JSON.stringify({error: {kind: 'usage', exitCode: 2, message}})}\n`)
      this.exit(2)
    }
    return super.catch(err)
  }

  /** Whether --json was asked for (a parse error may come before oclif knows: the argv is read too). */
  private jsonWanted(): boolean {
    const ctor = this.constructor as typeof Command
    return Boolean(ctor.enableJsonFlag) && this.argv.includes('--json')
  }
}

/** The one line to print for a user error, or undefined when `err` is not one. */
export function usageMessage(err: unknown): string | undefined {
  if (err instanceof UsageError) return oneLine(err.message)
  // oclif's parser errors (unknown flag, missing flag value, exclusive flags) are CLIErrors; its
  // ExitError (this.exit) is one too but is no error to report.
  if (err instanceof Errors.CLIError && !(err instanceof Errors.ExitError)) return oneLine(stripAnsi(err.message))
  return undefined
}

/**
 * oclif's messages span lines: a header ("The following error occurred:"), the reasons, and a
 * "See more help with --help" trailer. Keep the reasons, joined on one line.
 */
function oneLine(message: string): string {
  const reasons = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^The following errors? occurred:$/.test(l) && !/^See more help with/.test(l))
  return reasons.join('; ') || 'invalid input'
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '')
}
