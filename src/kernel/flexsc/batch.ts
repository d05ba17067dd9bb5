/**
 * FlexSC's batching: post several calls before one flexsc_wait and collect the results in order
 * (1:1 threads wait in flexsc_wait; FlexSC-Threads' user threads let the core's others run).
 */
import {InvariantError} from '../../errors.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, SyscallArgs, SyscallName, SyscallResult} from '../types.js'
import type {FlexscLibC, PostedCall} from './library.js'
import type {FlexscUThread} from './threads.js'

type Call = readonly [SyscallName, SyscallArgs]

/**
 * Post every call, wait until all are done (flexsc_wait as needed), collect the results in order.
 * When the core's entries run out, the done ones are collected first to free them.
 */
export function* batchCalls(lib: FlexscLibC, calls: readonly Call[]): Gen<SyscallResult[]> {
  const proc = lib.thread.process
  if (proc.exiting) throw new ThreadExit(proc.exitStatus)
  if (lib.uthread) return yield* threadBatch(lib, calls, lib.uthread)
  const results: SyscallResult[] = new Array(calls.length)
  let open: {p: PostedCall; i: number}[] = []
  const collect = function* (all: boolean): Gen<void> {
    let rounds = 0
    while (open.length > 0 && (all || !open.some((o) => o.p.entry.status === 'done'))) {
      // wait on the calls not done yet (flexsc_wait returns at once while any of its calls is
      // done): each round finishes at least one, so more rounds than calls is a spin
      if (++rounds > open.length + 1) {
        throw new InvariantError(
          `flexsc batch of thread ${lib.thread.tid}: flexsc_wait returned ${rounds} times with calls still open`,
        )
      }
      const notDone = open.filter((o) => o.p.entry.status !== 'done').map((o) => o.p)
      if (notDone.length > 0) yield* lib.flexscWait(notDone)
      if (!all) break
      if (open.every((o) => o.p.entry.status === 'done')) break
    }
    const still: typeof open = []
    for (const o of open) {
      if (o.p.entry.status === 'done') results[o.i] = yield* lib.harvest(o.p)
      else still.push(o)
    }
    open = still
  }
  for (let i = 0; i < calls.length; i++) {
    const [name, args] = calls[i]
    let p = yield* lib.post(name, args)
    while (!p) {
      if (open.length > 0) yield* collect(false)
      else yield* lib.flexscWait([], true)
      p = yield* lib.post(name, args)
    }
    open.push({p, i})
  }
  while (open.length > 0) yield* collect(true)
  return results
}

/** M-on-N batch: post every call, let the core's other user threads run until all are done. */
function* threadBatch(lib: FlexscLibC, calls: readonly Call[], u: FlexscUThread): Gen<SyscallResult[]> {
  const posted: PostedCall[] = []
  const results: SyscallResult[] = []
  for (const [name, args] of calls) {
    let p = yield* lib.post(name, args)
    while (!p) {
      const sc = lib.fprocess.coreFor(lib.kt.cpu ?? u.core.core)
      yield* u.core.park(
        u,
        () => sc.pages.census().free > 0 || posted.some((x, i) => !(i in results) && x.entry.status === 'done'),
      )
      // harvest what is done to free entries
      for (let i = 0; i < posted.length; i++) {
        if (posted[i].entry.status === 'done' && !(i in results)) results[i] = yield* lib.harvest(posted[i])
      }
      p = yield* lib.post(name, args)
    }
    posted.push(p)
  }
  yield* u.core.park(u, () => posted.every((p, i) => i in results || p.entry.status === 'done'))
  for (let i = 0; i < posted.length; i++) if (!(i in results)) results[i] = yield* lib.harvest(posted[i])
  return results
}
