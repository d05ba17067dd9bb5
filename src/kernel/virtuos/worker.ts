/** A service-domain worker: a kernel thread of its group's mirror process, and its state. */
import {spawn, type SimCommand, type Simulation, type Wakeup} from '../engine.js'
import type {KThread} from '../process.js'
import type {Request} from './request.js'
import type {WorkerGroup} from './worker-group.js'

export type WorkerState = 'polling' | 'serving' | 'blocked' | 'sleeping' | 'gone'

export class Worker {
  state: WorkerState = 'polling'
  killed = false
  /** Its domain crashed while it served a call: it finishes that call's kernel work, unseen, and ends. */
  ghost = false
  emptyPolls = 0
  wake: Wakeup<true> | null = null
  current: Request | null = null
  served = 0
  constructor(
    readonly group: WorkerGroup,
    readonly thread: KThread,
  ) {}
}

/** Run a generator like engine.spawn, but drop it for good once `dead()` says so (a VM crash). */
export function spawnKillable(sim: Simulation, body: Generator<SimCommand, unknown, any>, dead: () => boolean): void {
  spawn(sim, body, 'killable', dead)
}
