/**
 * VirtuOS's processes on the primary: a process's first thread on its first kernel thread, the
 * fork child's registration with the domains its parent used, user threads mounted on carriers
 * (M:N), and a thread's end (its carrier freed; the last one unmaps the process's shared windows).
 */
import {Wakeup} from '../engine.js'
import type {KProcess} from '../process.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program} from '../types.js'
import type {VirtuosContext} from './context.js'
import {VirtuosLibC} from './library.js'
import {VProcess, type UThread} from './mn.js'
import type {ServiceDomain} from './params.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import {Act} from '../ledger.js'

export class VirtuosProcesses {
  /** Library state of each live process, by pid. */
  readonly byPid = new Map<number, VProcess>()

  constructor(
    private readonly ctx: VirtuosContext,
    private readonly domains: Record<ServiceDomain, ServiceDomainRuntime>,
    /** The machine's user-thread switch (cycles) a freshly mounted thread pays. */
    private readonly userThreadSwitch: number,
  ) {}

  /** A process's first thread on its first kernel thread; a fork child registers first. */
  start(proc: KProcess, program: Program, name: string, parent?: VProcess): VProcess {
    const vp = new VProcess(this.ctx, proc, parent?.fds.clone())
    this.byPid.set(proc.pid, vp)
    const u = vp.newThread(name)!
    vp.newCarrier(u)
    const sys = new VirtuosLibC(this.ctx, this.domains, vp, u, this.startThread)
    const self = this
    const body: Program = parent
      ? function* (s) {
          yield* self.registerChild(vp, parent)
          return yield* program(s)
        }
      : program
    this.ctx.runner.start(this.ctx.primary, u.identity, this.wrap(vp, u, body, false), sys)
    return vp
  }

  /** fork: the child registers with each domain its parent used and waits for the fd table copy. */
  private *registerChild(child: VProcess, parent: VProcess): Gen<void> {
    for (const [name, pg] of parent.groups) {
      const d = this.domains[name]
      if (pg.dead || !d.up || parent.registeredIncarnation.get(name) !== d.incarnation) continue
      const g = d.register(child, child.proc.ppid, pg)
      child.groups.set(name, g)
      child.registeredIncarnation.set(name, d.incarnation)
      const cycles = d.registrationCycles(g, g.mirror.fds.size)
      yield* this.ctx.primary.sched.block(
        child.slots.find((x) => x)!.carrier!.thread,
        (function* () {
          yield cycles
        })(),
      )
    }
  }

  /** A new user thread (spawnThread): it waits to be mounted on a carrier unless it has one. */
  private readonly startThread = (vp: VProcess, u: UThread, body: Program, sys: VirtuosLibC): void => {
    if (!u.carrier && !u.mount) {
      u.mount = new Wakeup(this.ctx.sim)
      u.waitingOn = 'start'
    }
    this.ctx.runner.start(this.ctx.primary, u.identity, this.wrap(vp, u, body, true), sys)
  }

  /** Run a user thread's program; when it ends, its kernel thread goes back to the ready queue. */
  private wrap(vp: VProcess, u: UThread, body: Program, fresh: boolean): Program {
    const self = this
    return function* (sys) {
      const lib = sys as VirtuosLibC
      if (fresh && !u.carrier) {
        yield* u.mount!.wait()
        yield* self.ctx.primary.sched.compute(u.carrier!.thread, self.userThreadSwitch, Act.switch)
      }
      let ended = true
      try {
        return yield* body(sys)
      } catch (e) {
        if (e instanceof ThreadExit && e.exec) {
          ended = false
          throw new ThreadExit(e.code, self.wrap(vp, u, e.exec, false))
        }
        throw e
      } finally {
        if (ended) yield* self.endThread(vp, u, lib)
      }
    }
  }

  private *endThread(vp: VProcess, u: UThread, lib: VirtuosLibC): Gen<void> {
    vp.endThread(u)
    if (vp.liveThreads === 0) yield* lib.unmapAll()
    const c = u.carrier
    u.carrier = null
    if (c) {
      c.user = null
      c.freed?.fire(true)
    }
    if (vp.liveThreads === 0) {
      vp.shutdown()
      this.byPid.delete(vp.pid)
    }
  }
}
