/**
 * Progress of a long run on stderr (stdout, which may carry CSV, is never touched). On a terminal:
 * a bar naming the experiment running. Without one (CI logs, pipes): one line per finished
 * experiment, and a heartbeat line when an experiment has run for HEARTBEAT_MS without finishing,
 * so a long `--full` run is never silent.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

/** An experiment of the run and how many tasks (points x systems) it has, in run order. */
export interface PlannedExperiment {
  id: string
  tasks: number
}

export const HEARTBEAT_MS = 30_000

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & {isTTY?: boolean}
  /** The run's experiments in order; without it the bar and lines name no experiment. */
  plan?: readonly PlannedExperiment[]
  heartbeatMs?: number
  /** For tests. */
  now?: () => number
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** Which experiment task number `done` (1-based, counted over the whole run) belongs to. */
export function experimentAt(plan: readonly PlannedExperiment[], done: number): number {
  let end = 0
  for (const [i, p] of plan.entries()) {
    end += p.tasks
    if (done <= end) return i
  }
  return plan.length - 1
}

export function createProgress(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr
  const plan = opts.plan ?? []
  return stream.isTTY
    ? barProgress(label, stream as NodeJS.WriteStream, plan)
    : lineProgress(label, stream, plan, opts.heartbeatMs ?? HEARTBEAT_MS, opts.now ?? Date.now)
}

function barProgress(label: string, stream: NodeJS.WriteStream, plan: readonly PlannedExperiment[]): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {experiment}[{bar}] {value}/{total} runs  {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  const name = (done: number) => {
    if (plan.length === 0) return ''
    const i = experimentAt(
      plan,
      Math.min(
        done + 1,
        plan.reduce((n, p) => n + p.tasks, 0),
      ),
    )
    return `${plan[i].id} (${i + 1}/${plan.length}) `
  }
  let started = false
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0, {experiment: name(0)})
        started = true
      }
      bar.update(done, {experiment: name(done)})
    },
    stop() {
      if (started) bar.stop()
    },
  }
}

function lineProgress(
  label: string,
  stream: NodeJS.WritableStream,
  plan: readonly PlannedExperiment[],
  heartbeatMs: number,
  now: () => number,
): Progress {
  const start = now()
  let current = 0 // index of the experiment running
  let currentStart = start
  let lastLine = start
  let done = 0
  let total = plan.reduce((n, p) => n + p.tasks, 0)
  const write = (line: string) => {
    stream.write(`${label}: ${line}\n`)
    lastLine = now()
  }
  const boundary = (i: number) => plan.slice(0, i + 1).reduce((n, p) => n + p.tasks, 0)
  const timer =
    plan.length > 0 && heartbeatMs > 0
      ? setInterval(
          () => {
            if (now() - lastLine < heartbeatMs || current >= plan.length) return
            const p = plan[current]
            const mine = done - (boundary(current) - p.tasks)
            write(
              `${p.id} running: ${mine}/${p.tasks} runs, ${secs(now() - currentStart)} so far (${done}/${total} runs in all, ${secs(now() - start)})`,
            )
          },
          Math.min(heartbeatMs, 5_000),
        )
      : undefined
  timer?.unref()
  return {
    update(d, t) {
      done = d
      total = t
      // every experiment whose last task is now done has finished
      while (current < plan.length && done >= boundary(current)) {
        const p = plan[current]
        write(`${p.id} done (${current + 1}/${plan.length}): ${p.tasks} runs in ${secs(now() - currentStart)}`)
        current++
        currentStart = now()
      }
    },
    stop() {
      if (timer) clearInterval(timer)
    },
  }
}
