/**
 * The C library of a multiserver system: calls the microkernel keeps (processes, memory, futexes,
 * eventfd, sleeping) trap into it as on native Linux; file and socket calls are IPC round trips to
 * their server (routing.ts, ipc.ts). A descriptor whose network server died answers EBADF until
 * closed.
 */
import {kernelWork, trapEntry, trapExit} from '../../machine/cost.js'
import {NativeLibC} from '../dispatch/native.js'
import type {Kernel} from '../kernel.js'
import {Act} from '../ledger.js'
import type {KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import {fail, ok, type Gen, type Program, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import {remoteCall, type MultiserverEnv} from './ipc.js'
import {destination, fdsOf, isDead} from './routing.js'

export class MultiserverLibC extends NativeLibC {
  constructor(
    readonly env: MultiserverEnv,
    kernel: Kernel,
    thread: KThread,
    private readonly threads: ThreadRunner,
  ) {
    super(kernel, thread, threads)
  }

  override *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    const proc = this.thread.process
    const to = destination(proc, name, args)
    if (to === 'local') {
      this.env.stats.localCalls++
      return yield* super.call(name, args)
    }
    this.checkExiting()
    const dead = fdsOf(name, args).filter((fd) => isDead(proc.fds.get(fd)?.obj))
    if (dead.length > 0) {
      if (name !== 'close') return fail('EBADF')
      proc.fds.remove(dead[0])
      return ok(0)
    }
    return yield* remoteCall(this.env, this, to, name, args)
  }

  get process() {
    return this.thread.process
  }

  /** clone(): a trap into the microkernel, then the new thread runs with this library. */
  override *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const {kernel, thread} = this
    const p = kernel.params
    const bill = thread.bill().add(Act.trap, trapEntry(p)).add(Act.kernel, kernelWork(p, p.syscalls.defaultFootprint))
    yield* kernel.sched.computeBill(thread, bill.add(Act.trap, trapExit(p)))
    const child = kernel.createThread(thread.process, 'user', name)
    const sys = new MultiserverLibC(this.env, kernel, child, this.threads)
    sys.userIpc = this.userIpc
    this.threads.start(kernel, child, body, sys)
    return child.tid
  }
}

/** Start `program` as the first thread of `proc` on the multiserver system's microkernel. */
export function startMultiserver(
  env: MultiserverEnv,
  runner: ThreadRunner,
  proc: KThread['process'],
  program: Program,
  name = 'main',
): void {
  const thread = env.app.createThread(proc, 'user', name)
  runner.start(env.app, thread, program, new MultiserverLibC(env, env.app, thread, runner))
}
