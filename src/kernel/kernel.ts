/**
 * One kernel per domain: its scheduler, syscall table and processes (VFS and network stack attach
 * here). It knows no dispatch path: a path builds a CallContext and calls `invoke`.
 */
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import type {Simulation} from './engine.js'
import {defaultKernelParams, nsToCycles, type KernelParams} from './params.js'
import {KProcess, KThread, type ThreadKind} from './process.js'
import {Scheduler} from './scheduler.js'
import type {CallContext} from './syscalls/context.js'
import {buildSyscallTable, type SyscallTable} from './syscalls/table.js'
import {fail, type DomainId, type Gen, type Pid, type SyscallArgs, type SyscallName, type SyscallResult} from './types.js'

export interface KernelOptions {
  sim: Simulation
  params: MachineParams
  domain: DomainId
  /** Physical cores this kernel's (v)CPUs run on. */
  cpus: number[]
  kernel?: Partial<KernelParams>
}

/** Calls served, by name (the per-run counters). */
export class CallCounters {
  readonly byName = new Map<SyscallName, {issued: number; answered: number; errors: number}>()
  issue(name: SyscallName): void {
    this.entry(name).issued++
  }
  answer(name: SyscallName, result: SyscallResult): void {
    const e = this.entry(name)
    e.answered++
    if (result.ret < 0) e.errors++
  }
  get issued(): number {
    let n = 0
    for (const e of this.byName.values()) n += e.issued
    return n
  }
  get answered(): number {
    let n = 0
    for (const e of this.byName.values()) n += e.answered
    return n
  }
  private entry(name: SyscallName) {
    let e = this.byName.get(name)
    if (!e) this.byName.set(name, (e = {issued: 0, answered: 0, errors: 0}))
    return e
  }
}

export class Kernel {
  readonly sim: Simulation
  readonly params: MachineParams
  readonly kparams: KernelParams
  readonly domain: DomainId
  readonly sched: Scheduler
  readonly table: SyscallTable = buildSyscallTable()
  readonly processes = new Map<Pid, KProcess>()
  readonly counters = new CallCounters()
  private nextPid = 1

  constructor(options: KernelOptions) {
    this.sim = options.sim
    this.params = options.params
    this.domain = options.domain
    this.kparams = {...defaultKernelParams, ...options.kernel}
    this.sched = new Scheduler(this.sim, this.params, this.domain, options.cpus, {
      timeslice: nsToCycles(this.kparams.timesliceNs, this.params.clockHz),
    })
  }

  /** The profile's footprint of a call (FlexSC table 1 where it has one), else the default. */
  footprint(name: SyscallName): SyscallFootprint {
    return this.params.syscalls.footprints[name] ?? this.params.syscalls.defaultFootprint
  }

  /** Cycles of a call's kernel path from its footprint: instructions / kernel IPC. */
  handlerCycles(name: SyscallName): number {
    const fp = this.footprint(name)
    return Math.round(fp.instructions / (fp.ipc > 0 ? fp.ipc : this.params.cpu.kernelIpc))
  }

  /** A new process in this domain (`pid` given when mirroring another domain's process). */
  createProcess(ppid: Pid, pid?: Pid, asid?: number): KProcess {
    const id = pid ?? this.nextPid++
    if (pid !== undefined) this.nextPid = Math.max(this.nextPid, pid + 1)
    const proc = new KProcess(id, ppid, this.domain, asid, this.kparams.fdLimit)
    this.processes.set(id, proc)
    return proc
  }

  createThread(process: KProcess, kind: ThreadKind, name: string): KThread {
    const thread = new KThread(process, kind, name)
    process.threads.add(thread)
    return thread
  }

  /**
   * Serve one call: the handler's footprint cycles on ctx.thread's CPU, then the handler itself.
   * Dispatch paths wrap this with their own entry/exit costs.
   */
  *invoke<N extends SyscallName>(ctx: CallContext, name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    this.counters.issue(name)
    const handler = this.table[name] as ((c: CallContext, a: SyscallArgs<N>) => Gen<SyscallResult>) | undefined
    let result: SyscallResult
    if (!handler) {
      result = fail('ENOSYS')
    } else {
      yield* this.sched.compute(ctx.thread, this.handlerCycles(name))
      result = yield* handler(ctx, args)
    }
    this.counters.answer(name, result)
    return result
  }
}
