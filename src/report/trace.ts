/**
 * A trace of one point in the Chrome Trace Event Format (JSON object form), which chrome://tracing,
 * Perfetto (ui.perfetto.dev) and speedscope open. One process per domain (native, primary,
 * storage, network, client hosts); in each, one track per core (a domain's vCPU) with every stretch
 * a thread ran there as a slice named by its activity (src/kernel/ledger.ts: user, trap,
 * handler-warm, copy, queue, polling, ...; the thread in its args), and one track per core for its
 * interrupt work (steal). Flow arrows (ph s, t, f, bound to the enclosing slice) follow each
 * request a design reports (src/kernel/flow.ts) from its submission through the thread (or, for a
 * split driver's ring, the interrupt work) that serves it to the completion its caller collects.
 * Times in microseconds of simulated time.
 */
import type {FlowStep} from '../kernel/flow.js'
import type {Kernel} from '../kernel/kernel.js'
import {ACTIVITIES} from '../kernel/ledger.js'
import type {KThread} from '../kernel/process.js'
import type {Bench} from '../workloads/common.js'

/** One event of the format: a complete slice (X), a flow step (s, t, f) or a metadata record (M). */
export interface TraceEvent {
  name: string
  ph: 'X' | 'M' | 's' | 't' | 'f'
  pid: number
  tid: number
  ts?: number
  dur?: number
  cat?: string
  /** Flow events: the id their steps share, and binding to the enclosing slice. */
  id?: number
  bp?: 'e'
  args?: Record<string, string | number>
}

export interface TraceFile {
  traceEvents: TraceEvent[]
  displayTimeUnit: 'ns'
  otherData: Record<string, string | number | boolean>
}

/** Interrupt tracks: tid = this + core (apart from the cores' own tracks). */
export const IRQ_TRACK = 1_000_000

const PHASE: Record<FlowStep, 's' | 't' | 'f'> = {submit: 's', serve: 't', served: 't', complete: 'f'}

/** A flow step waiting for its thread's next slice (what the thread does to take the step). */
interface PendingStep {
  ph: 's' | 't' | 'f'
  id: number
  kind: string
  step: FlowStep
}

/** Records the slices and flows of every bench built while it listens, up to `limit` slices. */
export class TraceRecorder {
  private readonly events: TraceEvent[] = []
  private readonly meta: TraceEvent[] = []
  private spans = 0
  private dropped = 0
  private flows = 0
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
    const flowIds = new Map<string, number>()
    // steps waiting for their thread's next slice, or (a core number) for that core's next interrupt work
    const pending = new Map<KThread | number, PendingStep[]>()
    const attach = (by: KThread | number, pid: number, tid: number, ts: number) => {
      const steps = pending.get(by)
      if (!steps) return
      pending.delete(by)
      for (const s of steps) this.flowEvent(s, pid, tid, ts)
    }
    kernels.forEach(([k, name], i) => {
      const pid = base + i + 1
      const label = this.benches > 1 ? `${name} (simulation ${this.benches})` : name
      this.meta.push({name: 'process_name', ph: 'M', pid, tid: 0, args: {name: label}})
      const track = this.tracks(pid)
      k.sched.observeSpend((thread, cycles, at, activity) => {
        const tid = track(thread.cpu ?? -1, false)
        const ts = at / perUs
        if (
          !this.slice({
            name: ACTIVITIES[activity],
            cat: ACTIVITIES[activity],
            ph: 'X',
            pid,
            tid,
            ts,
            dur: cycles / perUs,
            args: {thread: thread.name, tid: thread.tid, cycles},
          })
        )
          return
        attach(thread, pid, tid, ts)
      })
      k.sched.observeInterrupts((core, cycles, at, activity) => {
        const name = ACTIVITIES[activity]
        const [tid, ts] = [track(core, true), at / perUs]
        if (this.slice({name, cat: name, ph: 'X', pid, tid, ts, dur: cycles / perUs, args: {cycles}}))
          attach(core, pid, tid, ts)
      })
      k.flows.observe((step, kind, id, by) => {
        const key = `${kind}|${id}`
        let n = flowIds.get(key)
        if (n === undefined) flowIds.set(key, (n = ++this.flows))
        const list = pending.get(by) ?? []
        list.push({ph: PHASE[step], id: n, kind, step})
        pending.set(by, list)
      })
    })
  }

  /** Names each core's tracks on first use; returns the tid of a core's thread or interrupt track. */
  private tracks(pid: number): (core: number, irq: boolean) => number {
    const named = new Set<number>()
    return (core, irq) => {
      const tid = irq ? IRQ_TRACK + core : core
      if (!named.has(tid)) {
        named.add(tid)
        const name = irq ? `core ${core} interrupts` : `core ${core}`
        this.meta.push({name: 'thread_name', ph: 'M', pid, tid, args: {name}})
        this.meta.push({name: 'thread_sort_index', ph: 'M', pid, tid, args: {sort_index: tid}})
      }
      return tid
    }
  }

  /** Keeps a slice unless the limit is reached (then counts it dropped); whether it was kept. */
  private slice(e: TraceEvent): boolean {
    if (this.spans >= this.limit) {
      this.dropped++
      return false
    }
    this.spans++
    this.events.push(e)
    return true
  }

  private flowEvent(s: PendingStep, pid: number, tid: number, ts: number): void {
    const e: TraceEvent = {name: s.kind, cat: 'request', ph: s.ph, id: s.id, pid, tid, ts, args: {step: s.step}}
    if (s.ph !== 's') e.bp = 'e'
    this.events.push(e)
  }

  /** The file: metadata first, then slices and flow steps in the order they ran. */
  file(otherData: Record<string, string | number | boolean>): TraceFile {
    return {
      traceEvents: [...this.meta, ...this.events],
      displayTimeUnit: 'ns',
      otherData: {
        ...otherData,
        spans: this.spans,
        droppedSpans: this.dropped,
        flows: this.flows,
        simulations: this.benches,
      },
    }
  }
}
