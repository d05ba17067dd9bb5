/**
 * The CLI without a process per command: a long-lived child (forked by cli-pool.ts) that runs the
 * compiled CLI (dist/, through oclif's run, as bin/run.js does) once per request, one at a time,
 * each in its own working directory and environment, and answers with what a process would have
 * given: its exit code, stdout and stderr. oclif's start-up (most of a spawned command's time) is
 * paid once. Exit codes follow oclif's execute(): a thrown ExitError carries the code, any other
 * error is printed as oclif's handler prints it, and otherwise process.exitCode (set by hooks).
 */
import {Errors, flush, run} from '@oclif/core'
import {Exit, handle} from '@oclif/core/handle'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const realOut = process.stdout.write.bind(process.stdout)
const realErr = process.stderr.write.bind(process.stderr)

async function runOne({args, cwd, env}) {
  let stdout = ''
  let stderr = ''
  const saved = {...process.env}
  const home = process.cwd()
  Object.assign(process.env, env)
  process.exitCode = undefined
  process.chdir(cwd ?? ROOT)
  process.stdout.write = (chunk, ...rest) => {
    stdout += String(chunk)
    return callback(rest)
  }
  process.stderr.write = (chunk, ...rest) => {
    stderr += String(chunk)
    return callback(rest)
  }
  let status
  try {
    await run(args, ROOT)
    await flush()
  } catch (err) {
    status = await exitOf(err)
  } finally {
    process.stdout.write = realOut
    process.stderr.write = realErr
    process.chdir(home)
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
  status ??= Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {status, stdout, stderr}
}

/** A write's callback (the last argument, if a function) is called as a real stream would. */
function callback(rest) {
  const cb = rest.find((a) => typeof a === 'function')
  if (cb) process.nextTick(cb)
  return true
}

/** What oclif's handle() prints and exits with, without exiting. */
async function exitOf(err) {
  if (err instanceof Errors.ExitError) return err.oclif.exit
  const code = err?.oclif?.exit ?? 1
  try {
    await handle(err)
  } catch {
    // handle() ends in Exit.exit, stubbed below to throw
  }
  return code
}

// handle() ends with process.exit through this stub point (oclif's own, for tests): here it must not end the child
Exit.exit = (code) => {
  throw new Errors.ExitError(code)
}

let queue = Promise.resolve()
process.on('message', (msg) => {
  queue = queue.then(async () => {
    const out = await runOne(msg).catch((e) => ({status: null, stdout: '', stderr: `cli child: ${e?.stack ?? e}`}))
    process.send({id: msg.id, ...out})
  })
})
process.on('disconnect', () => process.exit(0))
