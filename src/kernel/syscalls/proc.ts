/**
 * Process calls: ids, fork/exec/exit/wait4, futex, sched_yield, nanosleep. Starting a program on
 * a thread belongs to the dispatch path (which C library the new thread gets), so fork and exec
 * reach it through `kernel.runtime`.
 */
import {hold} from '../engine.js'
import type {KProcess} from '../process.js'
import {fail, ok, FUTEX, type Program} from '../types.js'
import type {CallContext} from './context.js'
import {dropRef} from './file.js'
import type {SyscallTable} from './table.js'
import {Act} from '../ledger.js'

/** What the kernel needs from whoever runs programs (set by the System for this kernel). */
export interface ProcessRuntime {
  /** Start `program` as the first thread of the new process `child`. */
  startProcess(child: KProcess, program: Program): void
}

/**
 * Thrown through a user program's generators by exit() and after exec(): the thread runner catches
 * it (a program cannot continue past either call).
 */
export class ThreadExit extends Error {
  constructor(
    readonly code: number,
    readonly exec?: Program,
  ) {
    super(exec ? 'exec' : `exit(${code})`)
  }
}

/** A child in this kernel: same fds (shared descriptions), copied memory words. */
export function forkProcess(ctx: CallContext): KProcess {
  const parent = ctx.process
  const child = ctx.kernel.createProcess(parent.pid)
  for (const [fd, file] of parent.fds.entries()) {
    file.refs++
    child.fds.installAt(fd, file)
  }
  for (const [addr, v] of parent.memory) child.memory.set(addr, v)
  child.cred = {...parent.cred}
  parent.children.add(child)
  return child
}

/** The process is gone: close its fds, tell the parent. */
export function exitProcess(kernel: CallContext['kernel'], proc: KProcess, code: number): void {
  if (proc.exitCode !== null) return
  proc.exitCode = code
  for (const [fd, file] of proc.fds.entries()) {
    proc.fds.remove(fd)
    dropRef(file)
  }
  kernel.processes.get(proc.ppid)?.childExit.wakeAll()
}

export const procHandlers: SyscallTable = {
  *getpid(ctx) {
    return ok(ctx.process.pid)
  },
  *getppid(ctx) {
    return ok(ctx.process.ppid)
  },
  *gettid(ctx) {
    return ok(ctx.thread.tid)
  },

  *fork(ctx, a) {
    const runtime = ctx.kernel.runtime
    if (!runtime) return fail('ENOSYS')
    const child = forkProcess(ctx)
    // copying the page tables and task struct: the address space's size is not modelled; the
    // footprint (default) stands for it
    runtime.startProcess(child, a.child)
    return ok(child.pid)
  },

  *exec(ctx) {
    // close-on-exec is not tracked; the image gets a fresh address space
    ctx.process.asid = ctx.kernel.newAddressSpace()
    return ok(0)
  },

  *exit(ctx, a) {
    ctx.process.exiting = true
    ctx.process.exitStatus = a.code
    return ok(a.code)
  },

  *wait4(ctx, a) {
    const parent = ctx.process
    for (;;) {
      const kids = [...parent.children].filter((c) => a.pid < 0 || c.pid === a.pid)
      if (kids.length === 0) return fail('ECHILD')
      const done = kids.find((c) => c.exitCode !== null)
      if (done) {
        parent.children.delete(done)
        ctx.kernel.processes.delete(done.pid)
        return ok(done.pid)
      }
      yield* parent.childExit.sleep(ctx.kernel.sched, ctx.thread, -1, false)
    }
  },

  *futex(ctx, a) {
    const q = ctx.kernel.futexQueue(ctx.process.asid, a.addr)
    if (a.op === FUTEX.WAIT) {
      if ((ctx.process.memory.get(a.addr) ?? 0) !== a.val) return fail('EAGAIN')
      const woken = yield* q.sleep(ctx.kernel.sched, ctx.thread, a.timeout ?? -1, true)
      return woken ? ok(0) : fail('ETIMEDOUT')
    }
    if (a.op === FUTEX.WAKE) {
      let n = 0
      while (n < a.val && q.length > 0) n += q.wakeOne()
      if (n > 0) yield* ctx.kernel.sched.compute(ctx.thread, n * ctx.kernel.params.cpu.wakeup, Act.kernel)
      return ok(n)
    }
    return fail('ENOSYS')
  },

  *sched_yield(ctx) {
    yield* ctx.kernel.sched.yield(ctx.thread)
    return ok(0)
  },

  *nanosleep(ctx, a) {
    if (a.cycles < 0) return fail('EINVAL')
    yield* ctx.kernel.sched.block(ctx.thread, hold(a.cycles))
    return ok(0)
  },
}
