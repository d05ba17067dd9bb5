/**
 * The native trap path: a call enters the kernel on the caller's own thread and core (trap entry),
 * runs the handler there, returns (trap exit), and leaves the handler's footprint in the core's
 * caches: the user code that follows pays the indirect cost (machine indirect model).
 */
import {compute as computeCycles, kernelWork, trapEntry, trapExit} from '../../machine/cost.js'
import {defaultWorkingSet, pollute, userBurst, type PerLevel, type UserWorkingSet} from '../../machine/indirect.js'
import type {Kernel} from '../kernel.js'
import {countInXen, xenTrapShare} from './pv.js'
import {Act} from '../ledger.js'
import type {KThread} from '../process.js'
import type {ThreadRunner} from '../runner.js'
import type {CallContext} from '../syscalls/context.js'
import {LibC} from '../syscalls/interface.js'
import {ThreadExit} from '../syscalls/proc.js'
import type {Gen, Program, SyscallArgs, SyscallName, SyscallResult} from '../types.js'

/** Working sets by user IPC (deriving one is not free; they depend only on params and ipc). */
const workingSets = new WeakMap<object, Map<number, UserWorkingSet>>()

export function workingSetFor(kernel: Kernel, ipc: number): UserWorkingSet {
  let byIpc = workingSets.get(kernel.params)
  if (!byIpc) workingSets.set(kernel.params, (byIpc = new Map()))
  let ws = byIpc.get(ipc)
  if (!ws) byIpc.set(ipc, (ws = defaultWorkingSet(kernel.params, ipc)))
  return ws
}

/** User compute on the thread's core, slowed by the pollution earlier kernel work left there. */
export function* userCompute(kernel: Kernel, thread: KThread, instructions: number, ipc: number): Gen<void> {
  yield* kernel.sched.acquire(thread)
  const core = kernel.sched.machineCore(thread.cpu!)
  let extra = 0
  const cycles = computeCycles(instructions, ipc)
  if (core) {
    const ws = workingSetFor(kernel, ipc)
    const before = core.cacheState.displaced
    const burst = userBurst(kernel.params, core.cacheState, instructions, ws)
    core.cacheState = burst.state
    extra = burst.extra
    core.kernelSet.userRan(instructions, ws.refillInstructions)
    const after = burst.state.displaced
    const refetched: PerLevel = {
      l1i: before.l1i - after.l1i,
      l1d: before.l1d - after.l1d,
      l2: before.l2 - after.l2,
      l3: before.l3 - after.l3,
      dtlb: before.dtlb - after.dtlb,
    }
    kernel.machine?.counters.add(core.id, 'user', kernel.domain, cycles + extra, instructions, refetched)
  }
  // the burst at its IPC, then the lines earlier kernel work displaced
  yield* kernel.sched.computeBill(thread, thread.bill().add(Act.user, cycles).add(Act.refill, extra))
}

/** A kernel footprint (the thread's last call's, by its work) lands on the core the thread is on. */
export function leaveFootprint(kernel: Kernel, thread: KThread, name: SyscallName, ipc: number): void {
  if (thread.cpu === null) return
  const core = kernel.sched.machineCore(thread.cpu)
  const fp = kernel.lastFootprint(thread) ?? kernel.footprint(name)
  if (core) core.cacheState = pollute(kernel.params, core.cacheState, fp, workingSetFor(kernel, ipc))
}

export class NativeLibC extends LibC {
  /** User IPC of the program (its working set for the indirect model). */
  userIpc: number

  constructor(
    readonly kernel: Kernel,
    readonly thread: KThread,
    private readonly runner: ThreadRunner,
  ) {
    super()
    this.userIpc = kernel.params.cpu.userIpc
  }

  get pid(): number {
    return this.thread.process.pid
  }
  get tid(): number {
    return this.thread.tid
  }
  now(): number {
    return this.kernel.sim.now
  }

  *compute(instructions: number, ipc?: number): Gen<void> {
    this.checkExiting()
    yield* userCompute(this.kernel, this.thread, instructions, ipc ?? this.userIpc)
  }

  /** After exit() by another thread, this one dies at its next compute or call (exit_group). */
  protected checkExiting(): void {
    const proc = this.thread.process
    if (proc.exiting) throw new ThreadExit(proc.exitStatus)
  }

  *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    this.checkExiting()
    const {kernel, thread} = this
    yield* kernel.sched.compute(thread, trapEntry(kernel.params), Act.trap)
    countInXen(kernel.sched, thread.cpu, xenTrapShare(kernel.params))
    const ctx: CallContext = {kernel, thread, process: thread.process, name}
    const result = yield* kernel.invoke(ctx, name, args)
    yield* kernel.sched.compute(thread, trapExit(kernel.params), Act.trap)
    countInXen(kernel.sched, thread.cpu, xenTrapShare(kernel.params))
    leaveFootprint(kernel, thread, name, this.userIpc)
    if (name === 'exit') throw new ThreadExit((args as SyscallArgs<'exit'>).code)
    if (name === 'exec' && result.ret === 0) throw new ThreadExit(0, (args as SyscallArgs<'exec'>).program)
    return result
  }

  /** clone(): a trap with the default footprint, then the new thread is runnable. */
  *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const {kernel, thread} = this
    const p = kernel.params
    const bill = thread.bill().add(Act.trap, trapEntry(p))
    yield* kernel.sched.computeBill(
      thread,
      bill.add(Act.handlerCold, kernelWork(p, p.syscalls.defaultFootprint)).add(Act.trap, trapExit(p)),
    )
    countInXen(kernel.sched, thread.cpu, 2 * xenTrapShare(kernel.params))
    const child = kernel.createThread(thread.process, 'user', name)
    const sys = new NativeLibC(kernel, child, this.runner)
    sys.userIpc = this.userIpc
    this.runner.start(kernel, child, body, sys)
    return child.tid
  }

  joinThread(tid: number): Gen<number> {
    return this.runner.join(this.kernel, this.thread, tid)
  }
}

/** Start `program` as the first thread of `proc` in `kernel`, on the native path. */
export function startNative(
  kernel: Kernel,
  runner: ThreadRunner,
  proc: KThread['process'],
  program: Program,
  name = 'main',
): NativeLibC {
  const thread = kernel.createThread(proc, 'user', name)
  const sys = new NativeLibC(kernel, thread, runner)
  runner.start(kernel, thread, program, sys)
  return sys
}
