/**
 * A cache of finished tasks for resumable runs: `--out DIR` keeps each task's result in
 * DIR/.cache/tasks, keyed by everything the result depends on (experiment, point, system, seed,
 * mode, the profile's hash, and a hash of the code and workload files that compute it), so an
 * interrupted or repeated run does only what is missing. A changed source, workload file or
 * profile gives new keys: a stale result is never read. `--no-cache` turns it off.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {pointKey} from './points.js'
import type {Task} from './pool.js'
import type {PointResult} from './types.js'

export const CACHE_DIR = '.cache/tasks'

export interface TaskCache {
  get(key: string): PointResult | undefined
  put(key: string, result: PointResult): void
  /** Results found in the cache so far. */
  hits: number
}

/** Everything a task's result depends on, hashed. */
export function taskKey(task: Task, quick: boolean, profileHash: string, code: string): string {
  const text = [task.experimentId, pointKey(task.point), task.system, task.seed, quick, profileHash, code].join('\n')
  return createHash('sha256').update(text).digest('hex')
}

/** One JSON file per task under `dir`, written under a temporary name and renamed (a crash leaves no half file). */
export class DirTaskCache implements TaskCache {
  hits = 0
  constructor(private readonly dir: string) {}

  get(key: string): PointResult | undefined {
    try {
      const r = JSON.parse(readFileSync(this.path(key), 'utf8')) as PointResult
      this.hits++
      return r
    } catch {
      return undefined // absent (or unreadable: computed again and rewritten)
    }
  }

  put(key: string, result: PointResult): void {
    const path = this.path(key)
    mkdirSync(join(this.dir, key.slice(0, 2)), {recursive: true})
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(result))
    renameSync(tmp, path)
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`)
  }
}

let cachedCode: string | undefined

/**
 * A hash of the code that computes results (this package's compiled or source modules) and the
 * workload files it reads: the cache's stand-in for the code revision, true for a dirty tree too.
 */
export function codeHash(): string {
  if (cachedCode) return cachedCode
  const code = fileURLToPath(new URL('../', import.meta.url)) // dist/ or src/
  const workloads = fileURLToPath(new URL('../../workloads/', import.meta.url))
  const h = createHash('sha256')
  for (const f of [...files(code, /\.(js|ts)$/), ...files(workloads, /\.json$/)]) h.update(f).update(readFileSync(f))
  cachedCode = h.digest('hex').slice(0, 16)
  return cachedCode
}

function files(dir: string, pattern: RegExp): string[] {
  let names: string[]
  try {
    names = readdirSync(dir, {recursive: true, encoding: 'utf8'})
  } catch {
    return []
  }
  return names
    .filter((n) => pattern.test(n) && !n.endsWith('.d.ts'))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile())
    .sort()
}
