/**
 * VirtuOS as a dispatch path: a primary kernel running the user processes and two service domains
 * (storage owning the disk, network owning the NIC), each a Kernel on its own pinned cores; the
 * user library (library.ts) as every process's SyscallInterface. Registered as `virtuos`.
 *
 * `buildVirtuosBackend(env)` has the DispatchFactory shape; `virtuosOf(system)` gives tests and
 * experiments the extras: `crashDomain`, the stats, the domains.
 */
import {InvariantError} from '../../errors.js'
import {Wakeup} from '../engine.js'
import {Kernel} from '../kernel.js'
import {SERVER_HOST} from '../net/network.js'
import {nsToCycles} from '../params.js'
import type {KProcess} from '../process.js'
import {ThreadExit} from '../syscalls/proc.js'
import {registerDispatch, type DispatchBackend, type System, type SystemEnv} from '../system.js'
import type {Gen, Program} from '../types.js'
import {RequestLedger, VirtuosStats, type VirtuosContext} from './context.js'
import {VirtuosLibC} from './library.js'
import {VProcess, type UThread} from './mn.js'
import {resolveVirtuosParams, SERVICE_DOMAINS, type ServiceDomain, type VirtuosParams} from './params.js'
import {ServiceDomainRuntime} from './service-runtime.js'
import {paravirtualized} from '../dispatch/pv.js'

export {defaultVirtuosParams, defaultCoreSplit, resolveVirtuosParams, type VirtuosParams, type ServiceDomain, type CoreSplit} from './params.js'
export {VirtuosStats} from './context.js'
export {VirtuosLibC} from './library.js'

export interface VirtuosBackend extends DispatchBackend {
  readonly ctx: VirtuosContext
  readonly primary: Kernel
  readonly domains: Record<ServiceDomain, ServiceDomainRuntime>
  /** Library state of each live process, by pid. */
  readonly processes: Map<number, VProcess>
  readonly stats: VirtuosStats
  /** Crash `domain` at simulated time `atCycles`; it restarts `restartDelayCycles` later (default 3 s). */
  crashDomain(domain: ServiceDomain, atCycles: number, restartDelayCycles?: number): void
}

export function buildVirtuosBackend(env: SystemEnv): VirtuosBackend {
  const overrides = (env.options.virtuos ?? {}) as Partial<VirtuosParams>
  const vparams = resolveVirtuosParams(env.params.cores, overrides)
  // every domain is a 64-bit PV guest (the primary is dom0 in the prototype): one PV cost model
  const pvParams = paravirtualized(env.params)
  const base = {sim: env.sim, params: pvParams, machine: env.machine, kernel: env.kernel}
  const primary = new Kernel({...base, domain: 'primary', cpus: vparams.cores.primary, disk: false})
  const storage = new Kernel({...base, domain: 'storage', cpus: vparams.cores.storage, disk: true})
  const network = new Kernel({...base, domain: 'network', cpus: vparams.cores.network, disk: false, network: env.network, host: SERVER_HOST})
  const ctx: VirtuosContext = {
    sim: env.sim, params: pvParams, vparams, primary, runner: env.runner,
    stats: new VirtuosStats(), ledger: new RequestLedger(),
  }
  const domains: Record<ServiceDomain, ServiceDomainRuntime> = {
    storage: new ServiceDomainRuntime(ctx, 'storage', storage),
    network: new ServiceDomainRuntime(ctx, 'network', network),
  }
  const processes = new Map<number, VProcess>()

  /** Run a user thread's program; when it ends, its kernel thread goes back to the ready queue. */
  const wrap = (vp: VProcess, u: UThread, body: Program, fresh: boolean): Program =>
    function* (sys) {
      const lib = sys as VirtuosLibC
      if (fresh && !u.carrier) {
        yield* u.mount!.wait()
        yield* primary.sched.compute(u.carrier!.thread, env.params.cpu.userThreadSwitch)
      }
      let ended = true
      try {
        return yield* body(sys)
      } catch (e) {
        if (e instanceof ThreadExit && e.exec) {
          ended = false
          throw new ThreadExit(e.code, wrap(vp, u, e.exec, false))
        }
        throw e
      } finally {
        if (ended) yield* endThread(vp, u, lib)
      }
    }

  function* endThread(vp: VProcess, u: UThread, lib: VirtuosLibC): Gen<void> {
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
      processes.delete(vp.pid)
    }
  }

  const startThread = (vp: VProcess, u: UThread, body: Program, sys: VirtuosLibC): void => {
    if (!u.carrier && !u.mount) {
      u.mount = new Wakeup(env.sim)
      u.waitingOn = 'start'
    }
    env.runner.start(primary, u.identity, wrap(vp, u, body, true), sys)
  }

  /** A process's first thread on its first kernel thread; `prologue` runs first (fork registration). */
  function startProcess(proc: KProcess, program: Program, name: string, parent?: VProcess): VProcess {
    const vp = new VProcess(ctx, proc, parent?.fds.clone())
    processes.set(proc.pid, vp)
    const u = vp.newThread(name)!
    vp.newCarrier(u)
    const sys = new VirtuosLibC(ctx, domains, vp, u, startThread)
    const body: Program = parent
      ? function* (s) {
          yield* registerChild(vp, parent)
          return yield* program(s)
        }
      : program
    env.runner.start(primary, u.identity, wrap(vp, u, body, false), sys)
    return vp
  }

  /** fork: the child registers with each domain its parent used and waits for the fd table copy. */
  function* registerChild(child: VProcess, parent: VProcess): Gen<void> {
    for (const [name, pg] of parent.groups) {
      const d = domains[name]
      if (pg.dead || !d.up || parent.registeredIncarnation.get(name) !== d.incarnation) continue
      const g = d.register(child, child.proc.ppid, pg)
      child.groups.set(name, g)
      child.registeredIncarnation.set(name, d.incarnation)
      const cycles = d.registrationCycles(g, g.mirror.fds.size)
      yield* primary.sched.block(child.slots.find((x) => x)!.carrier!.thread, (function* () {
        yield cycles
      })())
    }
  }

  primary.runtime = {
    startProcess: (child, program) => {
      startProcess(child, program, 'main', processes.get(child.ppid))
    },
  }

  const backend: VirtuosBackend = {
    kernels: [primary, storage, network],
    ctx, primary, domains, processes, stats: ctx.stats,
    spawnProcess(program, name = 'main') {
      const proc = primary.createProcess(0)
      startProcess(proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    crashDomain(domain, atCycles, restartDelayCycles) {
      const delay = restartDelayCycles ?? nsToCycles(vparams.restartDelayNs, env.params.clockHz)
      domains[domain].lifecycle.scheduleCrash(atCycles, delay)
    },
    checkInvariants() {
      const quiescent = env.runner.live === 0
      if (quiescent && ctx.ledger.outstanding > 0) {
        throw new InvariantError(`virtuos: ${ctx.ledger.outstanding} requests issued and never answered`)
      }
      for (const name of SERVICE_DOMAINS) domains[name].check(quiescent)
      for (const vp of processes.values()) vp.check()
    },
  }
  return backend
}

registerDispatch('virtuos', buildVirtuosBackend)

/** The VirtuOS backend of a system built with `system: 'virtuos'`. */
export function virtuosOf(system: System): VirtuosBackend {
  const b = system.backend as Partial<VirtuosBackend>
  if (!b.domains || !b.crashDomain) throw new InvariantError(`system ${system.name} is not virtuos`)
  return b as VirtuosBackend
}
