/**
 * Errors a user can fix: bad flags, bad files, bad fields. The CLI prints `message` as one line
 * and exits with code 2; it never prints a stack trace for these.
 */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** A broken invariant of the model: a bug in virtuos-bench, reported loudly (exit 1). */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvariantError'
  }
}
