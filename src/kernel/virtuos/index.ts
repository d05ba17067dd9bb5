/**
 * VirtuOS as a dispatch path: a primary kernel running the user processes and two service domains
 * (storage owning the disk, network owning the NIC), each a Kernel on its own pinned cores; the
 * user library (library.ts) as every process's SyscallInterface. Registered as `virtuos`.
 *
 * `buildVirtuosBackend(env)` has the DispatchFactory shape; `virtuosOf(system)` gives tests and
 * experiments the extras: `crashDomain`, the stats, the domains.
 */
import {InvariantError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'
import {Kernel} from '../kernel.js'
import {SERVER_HOST} from '../net/network.js'
import {nsToCycles} from '../params.js'
import {registerDispatch, type DispatchBackend, type System, type SystemEnv} from '../system.js'
import {RequestLedger, VirtuosStats, type VirtuosContext} from './context.js'
import type {VProcess} from './mn.js'
import {
  resolveVirtuosParams,
  SERVICE_DOMAINS,
  type CoreSplit,
  type ServiceDomain,
  type VirtuosParams,
} from './params.js'
import {VirtuosProcesses} from './process-runtime.js'
import {ServiceDomainRuntime} from './service-runtime.js'
import {paravirtualized} from '../dispatch/pv.js'

export {
  defaultVirtuosParams,
  profileCoreSplit,
  resolveVirtuosParams,
  type VirtuosParams,
  type ServiceDomain,
  type CoreSplit,
} from './params.js'
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
  const vparams = resolveVirtuosParams(env.params, env.params.virtuos, overrides)
  // every domain is a 64-bit PV guest (the primary is dom0 in the prototype): one PV cost model
  const pvParams = paravirtualized(env.params)
  const {primary, storage, network} = buildKernels(env, pvParams, vparams.cores)
  const ctx: VirtuosContext = {
    sim: env.sim,
    params: pvParams,
    vparams,
    primary,
    runner: env.runner,
    stats: new VirtuosStats(),
    ledger: new RequestLedger(),
  }
  const domains: Record<ServiceDomain, ServiceDomainRuntime> = {
    storage: new ServiceDomainRuntime(ctx, 'storage', storage),
    network: new ServiceDomainRuntime(ctx, 'network', network),
  }
  const procs = new VirtuosProcesses(ctx, domains, env.params.cpu.userThreadSwitch)
  primary.runtime = {
    startProcess: (child, program) => {
      procs.start(child, program, 'main', procs.byPid.get(child.ppid))
    },
  }
  return {
    kernels: [primary, storage, network],
    ctx,
    primary,
    domains,
    processes: procs.byPid,
    stats: ctx.stats,
    spawnProcess(program, name = 'main') {
      const proc = primary.createProcess(0)
      procs.start(proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    crashDomain(domain, atCycles, restartDelayCycles) {
      const delay = restartDelayCycles ?? nsToCycles(vparams.restartDelayNs, env.params.clockHz)
      domains[domain].lifecycle.scheduleCrash(atCycles, delay)
    },
    checkInvariants: () => checkInvariants(ctx, domains, procs.byPid, env.runner.live === 0),
  }
}

/** The primary (user processes), storage (owning the disk) and network (owning the NIC) kernels. */
function buildKernels(
  env: SystemEnv,
  params: MachineParams,
  cores: CoreSplit,
): Record<'primary' | ServiceDomain, Kernel> {
  const base = {sim: env.sim, params, machine: env.machine, kernel: env.kernel}
  return {
    primary: new Kernel({...base, domain: 'primary', cpus: cores.primary, disk: false}),
    storage: new Kernel({...base, domain: 'storage', cpus: cores.storage, disk: true}),
    network: new Kernel({
      ...base,
      domain: 'network',
      cpus: cores.network,
      disk: false,
      network: env.network,
      host: SERVER_HOST,
    }),
  }
}

/** Every request answered once the run is quiescent; the domains' and processes' own invariants. */
function checkInvariants(
  ctx: VirtuosContext,
  domains: Record<ServiceDomain, ServiceDomainRuntime>,
  processes: Map<number, VProcess>,
  quiescent: boolean,
): void {
  if (quiescent && ctx.ledger.outstanding > 0) {
    throw new InvariantError(`virtuos: ${ctx.ledger.outstanding} requests issued and never answered`)
  }
  for (const name of SERVICE_DOMAINS) domains[name].check(quiescent)
  for (const vp of processes.values()) vp.check()
}

registerDispatch('virtuos', buildVirtuosBackend)

/** The VirtuOS backend of a system built with `system: 'virtuos'`. */
export function virtuosOf(system: System): VirtuosBackend {
  const b = system.backend as Partial<VirtuosBackend>
  if (!b.domains || !b.crashDomain) throw new InvariantError(`system ${system.name} is not virtuos`)
  return b as VirtuosBackend
}
