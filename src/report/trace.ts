/**
 * A trace of one point: every stretch of CPU time each simulated thread ran, per domain and core,
 * in the Chrome Trace Event Format (JSON object form), which chrome://tracing, Perfetto
 * (ui.perfetto.dev) and speedscope open. One process per domain (native, primary, storage,
 * network, client hosts), one track per thread; times in microseconds of simulated time.
 */
import type {Kernel} from '../kernel/kernel.js'
import type {Bench} from '../workloads/common.js'

/** One event of the format: a complete span (ph X) or a metadata record (ph M). */
export interface TraceEvent {
  name: string
  ph: 'X' | 'M'
  pid: number
  tid: number
  ts?: number
  dur?: number
  cat?: string
  args?: Record<string, string | number>
}

export interface TraceFile {
  traceEvents: TraceEvent[]
  displayTimeUnit: 'ns'
  otherData: Record<string, string | number | boolean>
}

/** Records the spans of every bench built while it listens, up to `limit` spans. */
export class TraceRecorder {
  private readonly events: TraceEvent[] = []
  private readonly meta: TraceEvent[] = []
  private spans = 0
  private dropped = 0
  private benches = 0

  constructor(readonly limit: number) {}

  /** Watch a bench's kernels (its domains and client hosts) from now on. */
  watch(bench: Bench): void {
    const perUs = bench.params.clockHz / 1e6
    const kernels: [Kernel, string][] = [
      ...bench.system.kernels.map((k): [Kernel, string] => [k, String(k.domain)]),
      ...bench.system.clients.hosts.map((h, i): [Kernel, string] => [h.kernel, `client host ${i}`]),
    ]
    const base = this.benches++ * 100
    kernels.forEach(([k, name], i) => {
      const pid = base + i + 1
      const label = this.benches > 1 ? `${name} (simulation ${this.benches})` : name
      this.meta.push({name: 'process_name', ph: 'M', pid, tid: 0, args: {name: label}})
      const named = new Set<number>()
      k.sched.observeSpend((thread, cycles, at) => {
        if (this.spans >= this.limit) {
          this.dropped++
          return
        }
        if (!named.has(thread.tid)) {
          named.add(thread.tid)
          this.meta.push({name: 'thread_name', ph: 'M', pid, tid: thread.tid, args: {name: thread.name}})
        }
        this.spans++
        const args = {core: thread.cpu ?? -1, cycles}
        this.events.push({
          name: thread.name,
          cat: thread.kind,
          ph: 'X',
          pid,
          tid: thread.tid,
          ts: at / perUs,
          dur: cycles / perUs,
          args,
        })
      })
    })
  }

  /** The file: metadata first, then the spans in the order they ran. */
  file(otherData: Record<string, string | number | boolean>): TraceFile {
    return {
      traceEvents: [...this.meta, ...this.events],
      displayTimeUnit: 'ns',
      otherData: {...otherData, spans: this.spans, droppedSpans: this.dropped, simulations: this.benches},
    }
  }
}
