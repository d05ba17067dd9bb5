/**
 * The C library of a paravirtualised Linux guest: the native trap path, except that a system call
 * bounces through the hypervisor (machine pvTrapEntry/pvTrapExit = native x pvSyscallFactor).
 */
import {kernelWork, pvTrapEntry, pvTrapExit} from '../../machine/cost.js'
import {leaveFootprint, NativeLibC} from '../dispatch/native.js'
import type {Kernel} from '../kernel.js'
import type {KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import type {CallContext} from '../syscalls/context.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program, SyscallArgs, SyscallName, SyscallResult} from '../types.js'

export class PvLibC extends NativeLibC {
  constructor(kernel: Kernel, thread: KThread, private readonly threadRunner: ThreadRunner) {
    super(kernel, thread, threadRunner)
  }

  override *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    const {kernel, thread} = this
    if (thread.process.exiting) throw new ThreadExit(thread.process.exitStatus)
    yield* kernel.sched.compute(thread, pvTrapEntry(kernel.params))
    const ctx: CallContext = {kernel, thread, process: thread.process, name}
    const result = yield* kernel.invoke(ctx, name, args)
    yield* kernel.sched.compute(thread, pvTrapExit(kernel.params))
    leaveFootprint(kernel, thread, name, this.userIpc)
    if (name === 'exit') throw new ThreadExit((args as SyscallArgs<'exit'>).code)
    if (name === 'exec' && result.ret === 0) throw new ThreadExit(0, (args as SyscallArgs<'exec'>).program)
    return result
  }

  override *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const {kernel, thread} = this
    const p = kernel.params
    yield* kernel.sched.compute(thread, pvTrapEntry(p) + kernelWork(p, p.syscalls.defaultFootprint) + pvTrapExit(p))
    const child = kernel.createThread(thread.process, 'user', name)
    const sys = new PvLibC(kernel, child, this.threadRunner)
    sys.userIpc = this.userIpc
    this.threadRunner.start(kernel, child, body, sys)
    return child.tid
  }
}
