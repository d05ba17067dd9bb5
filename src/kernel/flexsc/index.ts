/**
 * FlexSC as a dispatch path (registered as `flexsc`): one kernel on every core, no domains; every
 * process's calls go through per-core syscall pages to syscall threads (library.ts,
 * syscall-core.ts). A process that creates threads becomes FlexSC-Threads (M-on-N, threads.ts).
 * `flexscOf(system)` gives tests and experiments the stats and the processes.
 */
import {InvariantError} from '../../errors.js'
import {Kernel} from '../kernel.js'
import type {KProcess} from '../process.js'
import {nativeKernel, registerDispatch, type DispatchBackend, type System, type SystemEnv} from '../system.js'
import type {Program} from '../types.js'
import {endingThread, FlexscLibC} from './library.js'
import {FlexscProcess} from './process.js'
import {resolveFlexscParams, type FlexscParams} from './params.js'
import {FlexscStats, type FlexscEnv} from './syscall-core.js'

export {defaultFlexscParams, resolveFlexscParams, PLACEMENTS, type FlexscParams, type Placement} from './params.js'
export {FlexscStats} from './syscall-core.js'
export {FlexscLibC, type PostedCall} from './library.js'
export {FlexscProcess} from './process.js'
export {CoreThreads, FlexscUThread, ThreadStats} from './threads.js'

export interface FlexscBackend extends DispatchBackend {
  readonly kernel: Kernel
  readonly env: FlexscEnv
  readonly stats: FlexscStats
  /** FlexSC state of each process that has run, by pid. */
  readonly processes: Map<number, FlexscProcess>
}

export function buildFlexscBackend(env: SystemEnv): FlexscBackend {
  const kernel = nativeKernel(env)
  const cpus = kernel.sched.cpus
  const overrides = (env.options.flexsc ?? {}) as Partial<FlexscParams>
  const fp = resolveFlexscParams(cpus, env.params.flexsc, overrides, env.params.coreAllocation.flexscSyscall)
  const fenv: FlexscEnv = {kernel, fp, stats: new FlexscStats(), userIpc: env.params.cpu.userIpc}
  const processes = new Map<number, FlexscProcess>()

  const start = (proc: KProcess, program: Program, name: string): void => {
    const fprocess = new FlexscProcess(fenv, proc, env.runner)
    processes.set(proc.pid, fprocess)
    const thread = kernel.createThread(proc, 'user', name)
    const lib = new FlexscLibC(fprocess, kernel, thread, env.runner)
    // under FlexSC-Threads the first thread is a user thread too; when the last thread leaves,
    // the pooled syscall threads and the carriers end with the process
    const body = endingThread(lib, program, () => {
      if (proc.threads.size <= 1) fprocess.shutdown()
    })
    env.runner.start(kernel, thread, body, lib)
  }
  kernel.runtime = {startProcess: (child, program) => start(child, program, 'main')}

  return {
    kernels: [kernel],
    kernel,
    env: fenv,
    stats: fenv.stats,
    processes,
    spawnProcess(program, name = 'main') {
      const proc = kernel.createProcess(0)
      start(proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    checkInvariants: () => checkInvariants(processes, env.runner.live === 0),
  }
}

/** Every process's syscall pages are consistent; with no thread left, every entry is free again. */
function checkInvariants(processes: Map<number, FlexscProcess>, quiescent: boolean): void {
  for (const fproc of processes.values()) {
    for (const sc of fproc.cores.values()) {
      const where = `flexsc pid ${fproc.proc.pid} core ${sc.core}`
      sc.pages.check(where)
      if (sc.pages.completed > sc.pages.posted) {
        throw new InvariantError(`${where}: ${sc.pages.completed} entries done for ${sc.pages.posted} posted`)
      }
      if (quiescent) {
        const c = sc.pages.census()
        if (c.free !== sc.pages.capacity) {
          throw new InvariantError(
            `${where}: ${c.submitted} submitted, ${c.busy} busy, ${c.done} done entries left with no thread`,
          )
        }
      }
    }
  }
}

registerDispatch('flexsc', buildFlexscBackend)

/** The FlexSC backend of a system built with `system: 'flexsc'`. */
export function flexscOf(system: System): FlexscBackend {
  const b = system.backend as Partial<FlexscBackend>
  if (!b.env || !b.processes || system.name !== 'flexsc') {
    throw new InvariantError(`system ${system.name} is not flexsc`)
  }
  return b as FlexscBackend
}
