/** flexsc_wait: how a caller waits for its posted calls (same-core serving or a remote wake-up). */
import {compute as computeCycles, trapEntry, trapExit} from '../../machine/cost.js'
import {Wakeup} from '../engine.js'
import type {Gen} from '../types.js'
import type {FlexscLibC, PostedCall} from './library.js'
import type {SyscallCore} from './syscall-core.js'
import {Act} from '../ledger.js'

/**
 * flexsc_wait: returns once one of `posted` is done (checked in user space first). In the
 * kernel it runs the syscall thread of a same-core placement on this CPU, or wakes the remote
 * one with an IPI, and sleeps until a syscall thread wakes it. `drain`: wait for any progress;
 * `until` (M-on-N): sleep until it holds instead.
 */
export function* flexscWait(
  lib: FlexscLibC,
  posted: readonly PostedCall[],
  drain = false,
  until?: () => boolean,
): Gen<void> {
  const {kernel} = lib
  const thread = lib.kt
  const anyDone = () => posted.some((p) => p.entry.status === 'done')
  if (!drain && anyDone()) return
  const fp = lib.fprocess.env.fp
  lib.stats.waits++
  yield* kernel.sched.compute(thread, trapEntry(kernel.params), Act.trap)
  const mine = (sc: SyscallCore) =>
    sc.pages.entries.some((e) => e.waiter === lib.waiter && (e.status === 'submitted' || e.status === 'busy'))
  const cores = until
    ? [...lib.fprocess.cores.values()].filter(mine)
    : drain
      ? [...lib.fprocess.cores.values()]
      : [...new Set(posted.filter((p) => p.entry.status !== 'done').map((p) => p.pages))]
  for (const sc of cores) {
    if (sc.sameCore) {
      // no entry check of its own: switching to the syscall thread is the whole decision, and
      // the syscall thread's dispatch loop scans the entries (dispatchInstructions)
      if (sc.pages.pending === 0) continue
      yield* kernel.sched.compute(thread, sc.switchCycles, Act.switch)
      yield* sc.serve(thread)
      // a handler blocked on this thread and a take-over thread became the carrier (M-on-N)
      if (lib.carrier && lib.carrier.kthread !== thread) return
      yield* kernel.sched.compute(thread, sc.switchCycles, Act.switch)
    } else {
      // the caller inspects the entries itself to decide whether to wake the remote thread and sleep
      yield* kernel.sched.compute(thread, computeCycles(fp.waitInstructions, fp.hotLoopIpc), Act.kernel)
      yield* sc.wakeRemote(thread)
    }
  }
  const done = until ?? (drain ? null : anyDone)
  if (done === null || done()) {
    if (anyDone()) lib.stats.waitsSatisfied++
  } else {
    while (!done()) {
      const sleep = new Wakeup<true>(kernel.sim)
      lib.waiter.sleep = sleep
      yield* kernel.sched.block(thread, sleep.wait())
      lib.waiter.sleep = null
    }
  }
  yield* kernel.sched.compute(thread, trapExit(kernel.params), Act.trap)
}
