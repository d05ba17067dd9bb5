/**
 * A request's way through a design, for traces: the design tells its kernel's port when a thread
 * submits a request (a VirtuOS remote call's push, a FlexSC syscall-page post), when a thread
 * starts serving it and finishes, and when the caller collects the completion. Each step names the
 * thread that takes it, in the kernel whose domain that thread runs in; the step belongs to the
 * thread's next stretch of CPU time (what it does to take the step). Observation only: with no
 * observer a step is one null check.
 */
import type {KThread} from './process.js'

/** The request paths that report steps. */
export const FLOW = Object.freeze({remoteCall: 'remote call', syscallPage: 'syscall page', blkRequest: 'blkif request'})

export type FlowStep = 'submit' | 'serve' | 'served' | 'complete'

/**
 * `id` is unique per design within one simulation; `kind` names the request path (e.g. 'remote
 * call'); `by` is the thread taking the step, or the core whose interrupt work takes it (a split
 * driver's frontend or backend): the step belongs to that core's next interrupt work.
 */
export type FlowObserver = (step: FlowStep, kind: string, id: number, by: KThread | number) => void

export class FlowPort {
  private observer: FlowObserver | null = null

  /** Watch this kernel's request steps (one observer; null removes it). */
  observe(observer: FlowObserver | null): void {
    this.observer = observer
  }

  step(step: FlowStep, kind: string, id: number, by: KThread | number): void {
    this.observer?.(step, kind, id, by)
  }

  /** Ids of reused request slots (a FlexSC entry): a fresh one at each submission, while watched. */
  private readonly ids = new WeakMap<object, number>()
  private lastId = 0

  /** `slot` carries a new request, submitted by `by` (a thread, or a core's interrupt work). */
  submit(kind: string, slot: object, by: KThread | number): void {
    if (this.observer === null) return
    this.ids.set(slot, ++this.lastId)
    this.observer('submit', kind, this.lastId, by)
  }

  /** The id of the request `slot` carries now (undefined: submitted while unwatched), for a step in another kernel. */
  idOf(slot: object): number | undefined {
    return this.ids.get(slot)
  }

  /** A later step of the request `slot` carries (none if it was submitted while unwatched). */
  stepOf(step: FlowStep, kind: string, slot: object, by: KThread | number): void {
    const id = this.observer === null ? undefined : this.ids.get(slot)
    if (id !== undefined) this.observer!(step, kind, id, by)
  }
}
