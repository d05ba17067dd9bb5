/**
 * A whole simulated system: the machine, the kernels of one design (native, virtuos, ...), the
 * client hosts across the link, and `spawnProcess`, the single entry workloads use. Designs plug in
 * as dispatch paths through a registry, so flexsc and driver-domain are siblings of native/virtuos.
 */
import {InvariantError, UsageError} from '../errors.js'
import type {Machine} from '../machine/machine.js'
import type {MachineParams} from '../machine/params.js'
import {startNative} from './dispatch/native.js'
import type {Simulation} from './engine.js'
import {Kernel} from './kernel.js'
import {Network, SERVER_HOST} from './net/network.js'
import type {KernelParams} from './params.js'
import type {KProcess} from './process.js'
import {ThreadRunner} from './runner.js'
import type {DomainId, Program, SyscallName} from './types.js'

/** What a dispatch path gets to build its kernels. */
export interface SystemEnv {
  sim: Simulation
  machine: Machine
  params: MachineParams
  /** The Ethernet over the machine's NIC: the kernel owning the NIC attaches as SERVER_HOST. */
  network: Network
  kernel: Partial<KernelParams>
  runner: ThreadRunner
  /** Design-specific options (e.g. VirtuOS core split), as given to buildSystem. */
  options: Record<string, unknown>
}

export interface ProcessHandle {
  readonly pid: number
  /** The process as its home kernel (native, or the VirtuOS primary) sees it. */
  readonly process: KProcess
}

/** One design on the machine. */
export interface DispatchBackend {
  /** Every kernel of the design (one for native; primary + service domains for VirtuOS). */
  readonly kernels: readonly Kernel[]
  spawnProcess(program: Program, name?: string): ProcessHandle
  /** The design's own invariants (call pages, queues, ...); throw InvariantError when broken. */
  checkInvariants(): void
}

export type DispatchFactory = (env: SystemEnv) => DispatchBackend

const registry = new Map<string, DispatchFactory>()

/** Register a design under `name` (native registers itself; virtuos/flexsc/driver-domain do the same). */
export function registerDispatch(name: string, factory: DispatchFactory): void {
  registry.set(name, factory)
}

export function dispatchPaths(): string[] {
  return [...registry.keys()].sort()
}

export interface SystemOptions {
  system: string
  kernel?: Partial<KernelParams>
  /** Client hosts across the link (default: params.clients.hosts). */
  clientHosts?: number
  [key: string]: unknown
}

/** A client host: its own kernel on its own cores, reached over the NIC. */
export interface ClientHost {
  readonly name: string
  readonly kernel: Kernel
}

/** Client core ids start here, apart from the machine's (client cores are not machine cores). */
export const CLIENT_CORE_BASE = 1000

export class ClientHosts {
  readonly hosts: ClientHost[] = []
  constructor(
    private readonly env: SystemEnv,
    count: number,
  ) {
    const {params} = env
    for (let i = 0; i < count; i++) {
      const cpus = Array.from({length: params.clients.coresPerHost}, (_, j) => CLIENT_CORE_BASE * (i + 1) + j)
      const kernel = new Kernel({
        sim: env.sim,
        params,
        machine: null,
        domain: 'native',
        cpus,
        // the load generators take their interrupts where the profile says, apart from the systems compared
        kernel: {...env.kernel, irqPlacement: params.clients.irqPlacement},
        network: env.network,
        host: `client${i}`,
        disk: false,
      })
      kernel.runtime = {startProcess: (child, program) => void startNative(kernel, env.runner, child, program)}
      this.hosts.push({name: `client${i}`, kernel})
    }
  }

  /** Run `program` as a process on client host `index` (the load generators). */
  spawn(index: number, program: Program, name = 'client'): ProcessHandle {
    const host = this.hosts[index]
    if (!host) throw new UsageError(`client host ${index} does not exist (have ${this.hosts.length})`)
    const proc = host.kernel.createProcess(0)
    startNative(host.kernel, this.env.runner, proc, program, name)
    return {pid: proc.pid, process: proc}
  }
}

export interface CallCount {
  domain: DomainId
  name: SyscallName
  issued: number
  answered: number
  errors: number
}

/** What one kernel did during a run (for experiments' metrics and reports). */
export interface KernelStats {
  domain: DomainId
  contextSwitches: number
  addressSpaceSwitches: number
  preemptions: number
  /** Interrupt/softirq cycles taken from the cores. */
  stolenCycles: number
  /** Busy cycles by physical core (threads' compute and interrupt work). */
  busyCycles: Record<number, number>
  /** Interrupt/softirq cycles by physical core (part of busyCycles): which core did the receive work. */
  irqCycles: Record<number, number>
  pageCache: {hits: number; misses: number; readaheadPages: number; writebackPages: number; evictions: number}
  block: {reads: number; writes: number; bytesRead: number; bytesWritten: number}
  net: {framesIn: number; interrupts: number; connections: number}
}

export function kernelStats(k: Kernel): KernelStats {
  const s = k.sched
  return {
    domain: k.domain,
    contextSwitches: s.contextSwitches,
    addressSpaceSwitches: s.addressSpaceSwitches,
    preemptions: s.preemptions,
    stolenCycles: s.stolenCycles,
    busyCycles: Object.fromEntries(s.cpus.map((c) => [c, s.busyCycles(c)])),
    irqCycles: Object.fromEntries(s.cpus.map((c) => [c, s.irqCycles(c)])),
    pageCache: {...k.vfs.cache.stats},
    block: {
      reads: k.vfs.block.reads,
      writes: k.vfs.block.writes,
      bytesRead: k.vfs.block.bytesRead,
      bytesWritten: k.vfs.block.bytesWritten,
    },
    net: {...k.net.stats},
  }
}

export class System {
  readonly clients: ClientHosts
  constructor(
    readonly name: string,
    readonly env: SystemEnv,
    readonly backend: DispatchBackend,
    clientHosts: number,
  ) {
    this.clients = new ClientHosts(env, clientHosts)
  }

  get kernels(): readonly Kernel[] {
    return this.backend.kernels
  }

  kernel(domain: DomainId): Kernel {
    const k = this.backend.kernels.find((x) => x.domain === domain)
    if (!k) throw new Error(`system ${this.name} has no ${domain} kernel`)
    return k
  }

  /** Start a user process running `program`; it runs when the simulation runs. */
  spawnProcess(program: Program, name?: string): ProcessHandle {
    return this.backend.spawnProcess(program, name)
  }

  stats(): KernelStats[] {
    return this.backend.kernels.map(kernelStats)
  }

  /** Per-run counters: calls issued/answered by name, per domain. */
  callCounts(): CallCount[] {
    const out: CallCount[] = []
    for (const k of this.backend.kernels) {
      for (const [name, c] of k.counters.byName) out.push({domain: k.domain, name, ...c})
    }
    return out.sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name))
  }

  /**
   * End-of-run checks: every call issued was answered exactly once, no CPU is held by a finished
   * thread, run queues hold only runnable threads; then the design's own invariants.
   */
  checkInvariants(): void {
    const all = [...this.backend.kernels, ...this.clients.hosts.map((h) => h.kernel)]
    for (const k of all) {
      for (const [name, c] of k.counters.byName) {
        if (c.answered > c.issued) {
          throw new InvariantError(`${k.domain}: ${name} answered ${c.answered} times for ${c.issued} calls`)
        }
      }
      for (const t of k.sched.running()) {
        if (t && t.state === 'exited') throw new InvariantError(`${k.domain}: exited thread ${t.tid} still holds a CPU`)
      }
      for (const t of k.sched.runQueue) {
        if (t.state === 'exited' || t.cpu !== null) {
          throw new InvariantError(`${k.domain}: thread ${t.tid} in the run queue is ${t.state} on cpu ${t.cpu}`)
        }
      }
    }
    const runner = this.env.runner
    if (runner.live === 0) {
      for (const k of all) {
        for (const [name, c] of k.counters.byName) {
          if (c.answered !== c.issued) {
            throw new InvariantError(
              `${k.domain}: ${name} issued ${c.issued}, answered ${c.answered} with no thread left`,
            )
          }
        }
      }
    }
    this.backend.checkInvariants()
  }
}

/**
 * One kernel owning the disk and the NIC, native Linux's and FlexSC's, on the profile's
 * `cores.nativeApplication` cores from core 0 (all of them on every shipped profile).
 */
export function nativeKernel(env: SystemEnv): Kernel {
  return new Kernel({
    sim: env.sim,
    params: env.params,
    machine: env.machine,
    domain: 'native',
    cpus: Array.from({length: env.params.coreAllocation.nativeApplication}, (_, i) => i),
    kernel: env.kernel,
    network: env.network,
    host: SERVER_HOST,
    disk: true,
  })
}

/** The native Linux baseline. */
export function nativeBackend(env: SystemEnv): DispatchBackend {
  const kernel = nativeKernel(env)
  kernel.runtime = {startProcess: (child, program) => void startNative(kernel, env.runner, child, program)}
  return {
    kernels: [kernel],
    spawnProcess(program, name = 'main') {
      const proc = kernel.createProcess(0)
      startNative(kernel, env.runner, proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    checkInvariants() {},
  }
}

registerDispatch('native', nativeBackend)

/** Build a system of the given design on `machine`. */
export function buildSystem(sim: Simulation, machine: Machine, params: MachineParams, options: SystemOptions): System {
  const factory = registry.get(options.system)
  if (!factory) {
    throw new UsageError(`--system: unknown system "${options.system}"; expected one of ${dispatchPaths().join(', ')}`)
  }
  const env: SystemEnv = {
    sim,
    machine,
    params,
    network: new Network(machine.nic),
    kernel: options.kernel ?? {},
    runner: new ThreadRunner(),
    options,
  }
  return new System(options.system, env, factory(env), options.clientHosts ?? params.clients.hosts)
}
