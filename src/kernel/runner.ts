/**
 * Running user programs on kernel threads, for every dispatch path: start a thread's program as an
 * engine process, catch exit()/exec(), end the thread (freeing its CPU), end the process with its
 * last thread, and let other threads join it.
 */
import {spawn} from './engine.js'
import type {Kernel} from './kernel.js'
import type {KThread} from './process.js'
import type {SyscallInterface} from './syscalls/interface.js'
import {exitProcess, ThreadExit} from './syscalls/proc.js'
import type {Gen, Program, Tid} from './types.js'
import {KWaitQueue} from './waitqueue.js'

export interface ThreadRecord {
  readonly thread: KThread
  readonly kernel: Kernel
  done: boolean
  value: number
  readonly exitQueue: KWaitQueue
}

export class ThreadRunner {
  /** By kernel, then tid (tids are per kernel). */
  private readonly records = new Map<Kernel, Map<Tid, ThreadRecord>>()
  started = 0
  finished = 0

  /** Run `body` on `thread` (of `kernel`) with `sys` as its C library, starting now. */
  start(kernel: Kernel, thread: KThread, body: Program, sys: SyscallInterface): ThreadRecord {
    const record: ThreadRecord = {thread, kernel, done: false, value: 0, exitQueue: new KWaitQueue()}
    let byTid = this.records.get(kernel)
    if (!byTid) this.records.set(kernel, (byTid = new Map()))
    byTid.set(thread.tid, record)
    this.started++
    spawn(
      kernel.sim,
      this.run(record, body, sys),
      `${kernel.domain}:${thread.process.pid}/${thread.tid}:${thread.name}`,
    )
    return record
  }

  private *run(record: ThreadRecord, body: Program, sys: SyscallInterface): Gen<void> {
    let program: Program | undefined = body
    let code = 0
    while (program) {
      const current: Program = program
      program = undefined
      try {
        code = (yield* current(sys)) ?? 0
      } catch (e) {
        if (!(e instanceof ThreadExit)) throw e
        code = e.code
        program = e.exec
      }
    }
    this.finish(record, code)
  }

  private finish(record: ThreadRecord, code: number): void {
    const {thread, kernel} = record
    kernel.sched.exit(thread)
    record.done = true
    record.value = code
    this.finished++
    record.exitQueue.wakeAll()
    const proc = thread.process
    proc.threads.delete(thread)
    // The process ends with its last thread; after exit() its status is exit()'s argument
    if (proc.threads.size === 0) exitProcess(kernel, proc, proc.exiting ? proc.exitStatus : code)
  }

  record(kernel: Kernel, tid: Tid): ThreadRecord | undefined {
    return this.records.get(kernel)?.get(tid)
  }

  /** Block `waiter` (a thread of `kernel`) until thread `tid` of that kernel has finished; its exit value. */
  *join(kernel: Kernel, waiter: KThread, tid: Tid): Gen<number> {
    const record = this.record(kernel, tid)
    if (!record) return -1
    while (!record.done) yield* record.exitQueue.sleep(kernel.sched, waiter, -1, false)
    return record.value
  }

  /** Threads started and not finished. */
  get live(): number {
    return this.started - this.finished
  }
}
