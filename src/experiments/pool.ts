/**
 * A fixed pool of worker threads that run experiment tasks (worker.ts) and hand back results in
 * task order. Each worker gets the profile once, at start; tasks carry only ids and numbers.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'
import type {LoadedProfile} from '../config/index.js'
import {InvariantError, UsageError} from '../errors.js'
import type {Point, PointResult, SystemId} from './types.js'

export interface Task {
  experimentId: string
  point: Point
  system: SystemId
  seed: number
}

export interface WorkerSetup {
  profile: LoadedProfile
  quick: boolean
  /** Run each task through a read-tracking view (sensitivity-reads.ts). */
  trackReads?: boolean
}

export type TaskMessage = {index: number; task: Task}
export type ReplyMessage =
  {index: number; result: PointResult} | {index: number; error: {name: string; message: string; stack?: string}}

interface Batch {
  tasks: readonly Task[]
  results: PointResult[]
  next: number
  finished: number
  onDone: (index: number, result: PointResult) => void
  resolve: (results: PointResult[]) => void
  reject: (error: Error) => void
}

/**
 * Young-generation size of a worker (MiB). A point allocates short-lived objects at a high rate
 * (generator frames, call results, events); a young generation larger than V8's default means fewer
 * scavenges, which measured ~4-6% less CPU per web-server point. Garbage collection cannot change
 * a result.
 */
const WORKER_YOUNG_GENERATION_MB = 64

export class WorkerPool {
  private readonly workers: Worker[]
  private batch: Batch | undefined
  private failed: Error | undefined

  constructor(size: number, setup: WorkerSetup) {
    const url = workerUrl()
    this.workers = Array.from({length: size}, () => {
      const resourceLimits = {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB}
      const w = new Worker(url, {workerData: setup, resourceLimits})
      w.on('message', (m: ReplyMessage) => this.onReply(w, m))
      w.on('error', (e) => this.fail(e))
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new InvariantError(`experiment worker exited with code ${code}`))
      })
      return w
    })
  }

  /** Runs the tasks on the pool; results[i] belongs to tasks[i]. */
  runAll(
    tasks: readonly Task[],
    onDone: (index: number, result: PointResult) => void = () => {},
  ): Promise<PointResult[]> {
    if (this.failed) return Promise.reject(this.failed)
    if (this.batch) return Promise.reject(new InvariantError('WorkerPool.runAll called while a batch runs'))
    if (tasks.length === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.batch = {tasks, results: new Array(tasks.length), next: 0, finished: 0, onDone, resolve, reject}
      for (const w of this.workers) this.feed(w)
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }

  private feed(w: Worker): void {
    const b = this.batch
    if (!b || b.next >= b.tasks.length) return
    const index = b.next++
    w.postMessage({index, task: b.tasks[index]} satisfies TaskMessage)
  }

  private onReply(w: Worker, m: ReplyMessage): void {
    const b = this.batch
    if (!b) return
    if ('error' in m) return this.fail(reviveError(m.error))
    b.results[m.index] = m.result
    b.finished++
    b.onDone(m.index, m.result)
    if (b.finished === b.tasks.length) {
      this.batch = undefined
      b.resolve(b.results)
    } else {
      this.feed(w)
    }
  }

  private fail(error: Error): void {
    this.failed ??= error
    const b = this.batch
    this.batch = undefined
    b?.reject(error)
  }
}

/** An error from a worker, with its class restored so the CLI maps UsageError to exit 2. */
function reviveError(e: {name: string; message: string; stack?: string}): Error {
  const error =
    e.name === 'UsageError'
      ? new UsageError(e.message)
      : e.name === 'InvariantError'
        ? new InvariantError(e.message)
        : new Error(e.message)
  if (e.stack) error.stack = e.stack
  return error
}

/**
 * The compiled worker beside this module. Under vitest this module is the .ts source, which a
 * worker thread cannot load; then the compiled twin in dist/ is used (tests build dist first).
 */
function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url)
  if (!here.endsWith('.ts')) return new URL('./worker.js', import.meta.url)
  const compiled = here.replace(/([\\/])src([\\/]experiments[\\/])pool\.ts$/, '$1dist$2worker.js')
  if (compiled === here || !existsSync(compiled)) {
    throw new InvariantError(`no compiled experiment worker at ${compiled}: build first (npx tsc)`)
  }
  return pathToFileURL(compiled)
}
