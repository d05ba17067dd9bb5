/**
 * Runs the perf tasks under tinybench and turns its samples into events per host second.
 * tinybench times each iteration (ms); the events an iteration reports are summed per phase
 * (reset before warm-up and before the measured run), so eventsPerSecond = events / totalTime.
 */
import {Bench} from 'tinybench'
import {InvariantError, UsageError} from '../errors.js'
import {PERF_TASKS, type PerfTask} from './tasks.js'

export interface PerfRow {
  name: string
  eventsPerSecond: number
  samples: number
  /** Relative margin of error of the mean iteration time, in percent. */
  rme: number
  /** V8 heap in use and the process's resident set when the task's measured run ended, MiB. */
  heapUsedMiB: number
  rssMiB: number
}

export interface PerfReport {
  tasks: PerfRow[]
}

export interface PerfOptions {
  /** Measured time budget per task, ms. */
  timeMs: number
  /** Task names to run (default: all). */
  only?: readonly string[]
  tasks?: readonly PerfTask[]
}

export function selectTasks(all: readonly PerfTask[], only: readonly string[] | undefined): PerfTask[] {
  if (!only || only.length === 0) return [...all]
  const names = all.map((t) => t.name)
  for (const n of only) {
    if (!names.includes(n)) throw new UsageError(`--task: unknown task "${n}" (expected one of ${names.join(', ')})`)
  }
  return all.filter((t) => only.includes(t.name))
}

export async function runPerf(opts: PerfOptions): Promise<PerfReport> {
  if (!(Number.isFinite(opts.timeMs) && opts.timeMs > 0))
    throw new UsageError(`--time: ${opts.timeMs} (expected a positive number of ms)`)
  const tasks = selectTasks(opts.tasks ?? PERF_TASKS, opts.only)
  const bench = new Bench({
    time: opts.timeMs,
    warmupTime: Math.min(250, opts.timeMs),
    iterations: 5,
    warmupIterations: 2,
  })
  const events = new Map<string, number>()
  const memory = new Map<string, NodeJS.MemoryUsage>()
  for (const task of tasks) {
    const iteration = task.prepare()
    bench.add(
      task.name,
      () => {
        events.set(task.name, (events.get(task.name) ?? 0) + iteration())
      },
      {
        beforeAll: () => void events.set(task.name, 0),
        afterAll: () => void memory.set(task.name, process.memoryUsage()),
      },
    )
  }
  await bench.run()
  return {
    tasks: bench.tasks.map((t) => {
      const r = t.result
      if (r.state !== 'completed') {
        const why = r.state === 'errored' ? `: ${r.error.message}` : ''
        throw new InvariantError(`perf task ${t.name} ended ${r.state}${why}`)
      }
      const seconds = r.totalTime / 1000
      return {
        name: t.name,
        eventsPerSecond: seconds > 0 ? Math.round((events.get(t.name) ?? 0) / seconds) : 0,
        samples: r.latency.samplesCount,
        rme: Number(r.latency.rme.toFixed(2)),
        heapUsedMiB: mib(memory.get(t.name)?.heapUsed),
        rssMiB: mib(memory.get(t.name)?.rss),
      }
    }),
  }
}

function mib(bytes: number | undefined): number {
  return bytes === undefined ? 0 : Number((bytes / 2 ** 20).toFixed(1))
}
