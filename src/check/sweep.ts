/**
 * The DST sweep: runs seeds seedStart .. seedStart+seeds-1 (in this thread, or spread over worker
 * threads), and returns the results in seed order, so the report is the same for any --jobs.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'
import {InvariantError} from '../errors.js'
import {inShard, type Shard} from '../experiments/shard.js'
import type {MachineParams} from '../machine/params.js'
import {runCheck, type CheckResult} from './run.js'

export interface SweepOptions {
  seeds: number
  seedStart: number
  jobs: number
  params: MachineParams
  /** Only this shard's seeds (round-robin over the seed range, as the runner splits tasks). */
  shard?: Shard
  /** Called after each finished seed (any order). */
  onDone?: (result: CheckResult, done: number, total: number) => void
}

export interface SweepReport {
  results: CheckResult[]
  failures: CheckResult[]
  crashes: number
  events: number
}

export async function runSweep(o: SweepOptions): Promise<SweepReport> {
  const seeds = Array.from({length: o.seeds}, (_, i) => o.seedStart + i).filter(
    (_, i) => o.shard === undefined || inShard(i, o.shard),
  )
  const results = o.jobs <= 1 || seeds.length < 2 ? runHere(seeds, o) : await runOnWorkers(seeds, o)
  results.sort((a, b) => a.seed - b.seed)
  return {
    results,
    failures: results.filter((r) => r.violations.length > 0),
    crashes: results.reduce((n, r) => n + r.crashes, 0),
    events: results.reduce((n, r) => n + r.events, 0),
  }
}

function runHere(seeds: number[], o: SweepOptions): CheckResult[] {
  return seeds.map((seed, i) => {
    const r = runCheck(seed, o.params)
    o.onDone?.(r, i + 1, seeds.length)
    return r
  })
}

export interface CheckWorkerData {
  seeds: number[]
  params: MachineParams
}

/** Seeds dealt round-robin to `jobs` workers; each posts one result per seed, then exits. */
function runOnWorkers(seeds: number[], o: SweepOptions): Promise<CheckResult[]> {
  const jobs = Math.min(o.jobs, seeds.length)
  const url = workerUrl()
  const results: CheckResult[] = []
  return new Promise((resolve, reject) => {
    let live = jobs
    const workers: Worker[] = []
    const fail = (e: Error) => {
      for (const w of workers) void w.terminate()
      reject(e)
    }
    for (let j = 0; j < jobs; j++) {
      const mine = seeds.filter((_, i) => i % jobs === j)
      const w = new Worker(url, {workerData: {seeds: mine, params: o.params} satisfies CheckWorkerData})
      workers.push(w)
      w.on('message', (r: CheckResult) => {
        results.push(r)
        o.onDone?.(r, results.length, seeds.length)
      })
      w.on('error', fail)
      w.on('exit', (code) => {
        if (code !== 0) return fail(new InvariantError(`check worker exited with code ${code}`))
        if (--live === 0) resolve(results)
      })
    }
  })
}

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url)
  if (!here.endsWith('.ts')) return new URL('./worker.js', import.meta.url)
  const compiled = here.replace(/([\\/])src([\\/]check[\\/])sweep\.ts$/, '$1dist$2worker.js')
  if (compiled === here || !existsSync(compiled))
    throw new InvariantError(`no compiled check worker at ${compiled}: build first (npx tsc)`)
  return pathToFileURL(compiled)
}
