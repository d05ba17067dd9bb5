/** What every part of the VirtuOS dispatch shares: the engine, the profile, the parameters, the ledger. */
import {InvariantError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'
import {socketOf} from '../../machine/topology.js'
import type {Simulation} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {ThreadRunner} from '../runner.js'
import type {CoreSplit, VirtuosParams} from './params.js'

/** Counters a run reports (and tests read): one place, no scattered statistics. */
export class VirtuosStats {
  remoteCalls = 0
  localCalls = 0
  /** Submitters that found WAKE_REQUESTED and sent the wake event channel. */
  wakeEvents = 0
  /** Completions that sent a ring message + event channel to the primary (waiters > 0). */
  readyNotifications = 0
  /** Completions that put a thread on the ready queue. */
  readyEnqueues = 0
  /** Waits answered while spinning (entry or ready queue) vs after blocking in the primary. */
  spinHits = 0
  sleeps = 0
  spinCycles = 0
  /** M:N switches to another user thread. */
  userSwitches = 0
  entryRetries = 0
  dataRetries = 0
  chunks = 0
  workersSpawned = 0
  workerSleeps = 0
  workerHandOffs = 0
  pollCycles = 0
  /** Polls ended by sched_yield handing the vCPU to a waiting thread. */
  pollYields = 0
  registrations = 0
  failedByCrash = 0
}

/** Every request issued is answered exactly once. */
export class RequestLedger {
  issued = 0
  answered = 0
  private readonly open = new Set<number>()
  /** Request ids are per run: a run numbers its requests the same way whatever ran before it. */
  private lastId = 0
  newId(): number {
    return ++this.lastId
  }
  issue(id: number): void {
    this.issued++
    this.open.add(id)
  }
  answer(id: number): void {
    if (!this.open.delete(id)) throw new InvariantError(`virtuos: request ${id} answered twice (or never issued)`)
    this.answered++
  }
  get outstanding(): number {
    return this.open.size
  }
}

export interface VirtuosContext {
  readonly sim: Simulation
  readonly params: MachineParams
  readonly vparams: VirtuosParams & {cores: CoreSplit}
  readonly primary: Kernel
  readonly runner: ThreadRunner
  readonly stats: VirtuosStats
  readonly ledger: RequestLedger
}

export function socketOfCore(params: MachineParams, core: number): number {
  return core < params.cores ? socketOf(params, core) : 0
}
