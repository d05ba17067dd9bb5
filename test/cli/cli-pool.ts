/**
 * Runs the compiled CLI for tests without spawning a process per command: `size` long-lived
 * children (cli-child.mjs) each load oclif and dist/ once and run the commands sent to them one at
 * a time; a command goes to the child with the fewest waiting. Same answer as a spawned
 * `node bin/run.js` (exit code, stdout, stderr); test/cli/bad-input.test.ts holds the two to that.
 */
import {type ChildProcess, execFile, fork} from 'node:child_process'
import {join} from 'node:path'
import {afterAll} from 'vitest'
import {ensureBuilt, ROOT} from './build.js'

export interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Working directory of the command (default: the checkout). */
  cwd?: string
  /** Added to the environment for this command only. */
  env?: Record<string, string>
}

interface Child {
  proc: ChildProcess
  waiting: Map<number, (o: Outcome) => void>
}

export class CliPool {
  private readonly children: Child[] = []
  private next = 0

  constructor(size = 2) {
    for (let i = 0; i < size; i++) this.children.push(this.start())
  }

  private start(): Child {
    const proc = fork(join(ROOT, 'test/cli/cli-child.mjs'), [], {
      cwd: ROOT,
      env: {...process.env, FORCE_COLOR: '0'},
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    const child: Child = {proc, waiting: new Map()}
    proc.on('message', (m: Outcome & {id: number}) => {
      const done = child.waiting.get(m.id)
      child.waiting.delete(m.id)
      done?.({status: m.status, stdout: m.stdout, stderr: m.stderr})
    })
    proc.on('exit', (code) => {
      for (const done of child.waiting.values()) done({status: null, stdout: '', stderr: `cli child exited (${code})`})
      child.waiting.clear()
    })
    return child
  }

  /** `virtuos ...args` as a process would run it. */
  run(args: readonly string[], opts: RunOptions = {}): Promise<Outcome> {
    const child = this.children.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a))
    const id = this.next++
    return new Promise((resolve) => {
      child.waiting.set(id, resolve)
      child.proc.send({id, args, cwd: opts.cwd, env: opts.env ?? {}})
    })
  }

  close(): void {
    for (const c of this.children) c.proc.disconnect()
  }
}

/**
 * `cli(...args)` for a test file: runs through a pool started on first use (after the build) and
 * closed when the file's tests are done; `env` is added for every command (e.g. VIRTUOS_SELFTEST).
 */
export function poolCli(env: Record<string, string> = {}, size = 2): (...args: string[]) => Promise<Outcome> {
  let pool: CliPool | undefined
  afterAll(() => pool?.close())
  return (...args) => {
    if (!pool) {
      ensureBuilt()
      pool = new CliPool(size)
    }
    return pool.run(args, {env})
  }
}

/** `node bin/run.js ...args` as its own process: what a shell sees (kept for one case of each kind). */
export function spawnCli(args: readonly string[], opts: RunOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/run.js'), ...args],
      {cwd: opts.cwd ?? ROOT, env: {...process.env, FORCE_COLOR: '0', ...opts.env}, timeout: 120_000},
      (err, stdout, stderr) => resolve({status: err ? ((err as {code?: number}).code ?? null) : 0, stdout, stderr}),
    )
  })
}
