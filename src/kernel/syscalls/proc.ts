/** Process-level calls: ids. (fork/exec/exit/wait, futex and sleep land here too.) */
import {ok} from '../types.js'
import type {SyscallTable} from './table.js'

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
}
