/**
 * One registered process's share of a service domain: its call pages, data region and the cache
 * lines they live on, the mirror KProcess holding its remote fd table, and its workers.
 */
import {InvariantError} from '../../errors.js'
import type {Wakeup} from '../engine.js'
import type {KProcess} from '../process.js'
import type {SyscallResult} from '../types.js'
import {CacheLine} from './cache-line.js'
import {CallPageSet, type CallEntry} from './call-page.js'
import {DataRegion} from './data-region.js'
import type {Request, RequestOwner} from './request.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import type {Worker} from './worker.js'

export class WorkerGroup {
  readonly pages: CallPageSet
  readonly data: DataRegion
  readonly freeLine: CacheLine
  readonly submittedLine: CacheLine
  private readonly entryLines: CacheLine[] = []
  readonly workers: Worker[] = []
  idle = 0
  readonly pollers = new Set<Wakeup<true | 'yield'>>()
  readonly inFlight = new Set<Request>()
  /** Torn down (process exit) or lost (domain crash). */
  dead = false

  constructor(
    readonly domain: ServiceDomainRuntime,
    readonly owner: RequestOwner,
    readonly mirror: KProcess,
    /** Used a pre-allocated slot (no grant set-up at registration). */
    readonly preallocated: boolean,
  ) {
    const v = domain.ctx.vparams
    this.pages = new CallPageSet(v.entriesPerProcess)
    this.data = new DataRegion(v.dataRegionMaxPages, v.dataGrowBatchGrants, v.pageBytes)
    this.freeLine = new CacheLine(domain.ctx.params)
    this.submittedLine = new CacheLine(domain.ctx.params)
  }

  entryLine(e: CallEntry): CacheLine {
    return (this.entryLines[e.index] ??= new CacheLine(this.domain.ctx.params))
  }

  get hasPending(): boolean {
    return !this.pages.submitted.empty
  }

  /** A submitter pushed: polling workers see it. */
  pushed(): void {
    for (const w of [...this.pollers]) w.fire(true)
    this.pollers.clear()
  }

  /** Answer a request exactly once. */
  answer(req: Request, result: SyscallResult): void {
    if (req.answered) throw new InvariantError(`virtuos: request ${req.id} (${req.name}) answered twice`)
    req.result = result
    this.domain.ctx.ledger.answer(req.id)
    req.done.fire(true)
    req.onDone?.()
  }
}
