/**
 * Makes sure dist/ is compiled from the current sources, for tests that run the built CLI or the
 * runner's worker threads. Rebuilds only when a source is newer than dist/.built (the Makefile's
 * stamp), under a lock so parallel test files do not compile over each other.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const STAMP = join(ROOT, 'dist', '.built')
const LOCK = join(tmpdir(), `virtuos-build-${ROOT.replace(/\W+/g, '_')}.lock`)

export function ensureBuilt(): void {
  if (!stale()) return
  lock()
  try {
    if (!stale()) return // another test file built it while we waited
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')],
        {cwd: ROOT, stdio: 'pipe'},
      )
    } catch (e) {
      const out = (e as {stdout?: Buffer}).stdout?.toString() ?? ''
      throw new Error(`tsc failed; the end-to-end tests need a clean build:\n${out}`, {cause: e})
    }
    writeFileSync(STAMP, '')
  } finally {
    rmdirSync(LOCK)
  }
}

function stale(): boolean {
  let built: number
  try {
    built = statSync(STAMP).mtimeMs
  } catch {
    return true
  }
  return newest(join(ROOT, 'src')) > built || statSync(join(ROOT, 'tsconfig.json')).mtimeMs > built
}

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

function lock(): void {
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(LOCK)
      return
    } catch {
      // A lock older than two minutes belongs to a test run that died: take it over.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmdirSync(LOCK)
      } catch {
        // another test run removed it first
      }
      if (Date.now() > deadline) throw new Error(`build lock ${LOCK} held too long`)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
}
