/**
 * FlexSC's per-process state: the syscall pages and syscall threads of each core the process
 * posted on (flexsc_register maps them on first use), and its FlexSC-Threads cores once it has
 * more than one thread.
 */
import type {KProcess} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import {FlexscLibC} from './library.js'
import {SyscallCore as Core, type FlexscEnv, type SyscallCore} from './syscall-core.js'
import type {Waiter} from './syscall-page.js'
import {CoreThreads, ThreadStats} from './threads.js'

/** FlexSC's per-process state: the syscall pages and threads of each core it posted on. */
export class FlexscProcess {
  readonly cores = new Map<number, SyscallCore>()
  /** FlexSC-Threads (M-on-N) state by core, once the process has more than one thread. */
  readonly threadCores = new Map<number, CoreThreads>()
  readonly threadStats = new ThreadStats()
  /** Exit values of ended user threads (M-on-N join), by tid. */
  readonly exitCodes = new Map<number, number>()
  constructor(
    readonly env: FlexscEnv,
    readonly proc: KProcess,
    readonly runner: ThreadRunner,
  ) {}

  /** The M-on-N scheduler of `core` (its carrier kernel thread is created with it). */
  threadsOn(core: number): CoreThreads {
    let ct = this.threadCores.get(core)
    if (!ct) {
      const runner = this.runner
      this.threadCores.set(
        core,
        (ct = new CoreThreads(this, core, (c, t) => {
          const lib = new FlexscLibC(this, this.env.kernel, t, runner)
          lib.carrier = c
          return lib
        })),
      )
      // a handler that blocks on the carrier (same-core serving) hands the carrier role on
      this.coreFor(core).setTakeOverHook((blocked, successor) => {
        for (const c of this.threadCores.values()) {
          const next = c.carrierBlocked(blocked, successor)
          if (next) return next
        }
        return null
      })
    }
    return ct
  }

  /** Where FlexSC-Threads places a new user thread: the least-loaded of its cores. */
  placeThread(): number {
    const cores = this.env.fp.userCores ?? [...this.env.kernel.sched.cpus]
    const load = (c: number) => {
      const ct = this.threadCores.get(c)
      return ct ? ct.ready.length + ct.parked.size + (ct.running ? 1 : 0) : 0
    }
    return cores.reduce((best, c) => (load(c) < load(best) ? c : best), cores[0])
  }

  /** Calls posted for `waiter` that are not done yet. */
  pendingFor(waiter: Waiter): boolean {
    for (const sc of this.cores.values()) {
      for (const e of sc.pages.entries) {
        if (e.waiter === waiter && (e.status === 'submitted' || e.status === 'busy')) return true
      }
    }
    return false
  }

  /** A user thread ended: record its value and make ready whoever waited for it. */
  threadEnded(tid: number, code: number): void {
    this.exitCodes.set(tid, code)
    for (const ct of this.threadCores.values()) {
      for (const u of [...ct.parked]) if (u.until?.()) ct.makeReady(u)
    }
  }

  /** The pages of `userCore` (created on first use, as flexsc_register maps them). */
  coreFor(userCore: number): SyscallCore {
    let sc = this.cores.get(userCore)
    if (!sc) this.cores.set(userCore, (sc = new Core(this.env, this.proc, userCore, this.execCoreOf(userCore))))
    return sc
  }

  private execCoreOf(userCore: number): number {
    const fp = this.env.fp
    if (fp.placement === 'same-core') return userCore
    const cpus = this.env.kernel.sched.cpus
    // FlexSC's static list: user cores take its cores in turn (by core index), so every listed
    // core gets syscall threads; a listed core that also runs callers sends them elsewhere
    const list = fp.syscallCores.filter((c) => c !== userCore)
    if (list.length > 0) return list[Math.max(0, cpus.indexOf(userCore)) % list.length]
    return cpus.find((c) => c !== userCore) ?? userCore
  }

  shutdown(): void {
    for (const sc of this.cores.values()) sc.shutdown()
    for (const ct of this.threadCores.values()) ct.shutdown()
  }
}
