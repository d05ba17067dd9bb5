/**
 * A call to a server is a synchronous IPC round trip: the caller's IPC (trap, message, switch to
 * the server), the server's handler (the same handlers and kernel-locality as every design:
 * Kernel.invoke, counted as kernel-mode work though a server runs in user mode), and the reply the
 * same way. A payload larger than a message moves by a granted copy: the copy itself is the
 * handler's (the bytes Linux copies between kernel and user), the grant adds one kernel call each
 * way that carries one (Minix 3's safecopy).
 *
 * Same-core (L4 direct switch): the caller's thread runs the server on its own core within its time
 * slice; both switches write CR3, so the caller comes back to a flushed d-TLB (Nehalem has no
 * PCIDs) besides the handler's footprint in its caches.
 * Dedicated: the message goes to a worker of the server pinned on the server's cores, woken by an
 * IPI (servers sleep in receive); the caller sleeps until the reply's IPI wakes it. The caller's
 * core never switches address space and keeps only the application's lines.
 */
import {ipi} from '../../machine/cost.js'
import {pollute} from '../../machine/indirect.js'
import type {SyscallFootprint} from '../../machine/params.js'
import {leaveFootprint, workingSetFor} from '../dispatch/native.js'
import {after, spawn, Wakeup} from '../engine.js'
import {Act, type Bill} from '../ledger.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {CallContext} from '../syscalls/context.js'
import {fail, type Gen, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import {READS, transferBytes} from '../virtuos/remote-call.js'
import type {MultiserverParams, ServerName} from './params.js'
import type {MultiserverStats, PendingCall, Server} from './server.js'

export interface MultiserverEnv {
  mp: MultiserverParams
  /** The kernel of the applications (the microkernel's traps, processes). */
  app: Kernel
  /** The kernel object holding the servers' state (the same as `app` on same-core). */
  servers: Kernel
  server: Record<ServerName, Server>
  stats: MultiserverStats
  /** Dedicated: each server's cores. */
  cores: Record<ServerName, number[]>
  workers: Record<ServerName, WorkerPool>
}

/** The caller: its thread, process and user IPC (the working set its return pollutes). */
export interface Caller {
  thread: KThread
  process: KProcess
  userIpc: number
}

/** Payload bytes of a call each way (the same accounting as VirtuOS's data region). */
function payload(name: SyscallName, args: SyscallArgs, result: SyscallResult | null): number {
  const t = transferBytes({kind: 'call', name, args} as never)
  if (result === null) return t.inBytes
  return READS.has(name) || name === 'readv' ? Math.max(0, result.ret) : t.outBytes
}

/**
 * One IPC leg onto `bill`: the one-way IPC, plus a granted copy's kernel call when the payload
 * outgrows a message; sendfile's network server then asks the storage server for the file's pages
 * (one more round trip, on the reply leg).
 */
function leg(env: MultiserverEnv, bill: Bill, bytes: number, name?: SyscallName): Bill {
  env.stats.oneWayIpcs++
  bill.add(Act.ipc, env.mp.ipcOneWay)
  if (bytes > env.mp.inlineMessageBytes) {
    env.stats.safecopies++
    bill.add(Act.grant, env.mp.safecopyCall)
  }
  if (name === 'sendfile') {
    env.stats.oneWayIpcs += 2
    bill.add(Act.ipc, 2 * env.mp.ipcOneWay)
  }
  return bill
}

/** The full d-TLB flush a CR3 write leaves on a core without PCIDs. */
function tlbFlush(kernel: Kernel): SyscallFootprint {
  return {instructions: 0, ipc: 1, l1i: 0, l1d: 0, l2: 0, l3: 0, dtlb: kernel.params.cache.dtlbEntries}
}

export function* remoteCall<N extends SyscallName>(
  env: MultiserverEnv,
  caller: Caller,
  to: ServerName,
  name: N,
  args: SyscallArgs<N>,
): Gen<SyscallResult> {
  const server = env.server[to]
  // the network server's death is seen at once (its endpoint is gone); the storage server's file
  // server outlives its driver's crash, so its calls go on (block-driver.ts)
  if (to === 'network' && !server.up) return fail(server.errno)
  env.stats.remoteCalls[to]++
  return env.mp.placement === 'same-core'
    ? yield* sameCore(env, caller, server, name, args)
    : yield* dedicated(env, caller, server, name, args)
}

function* sameCore<N extends SyscallName>(
  env: MultiserverEnv,
  caller: Caller,
  server: Server,
  name: N,
  args: SyscallArgs<N>,
): Gen<SyscallResult> {
  const {app: kernel, stats} = env
  const {thread} = caller
  const life = server.incarnation
  yield* kernel.sched.computeBill(thread, leg(env, thread.bill(), payload(name, args, null)))
  stats.addressSpaceSwitches++
  const ctx: CallContext = {kernel, thread, process: caller.process, name}
  let result = yield* kernel.invoke(ctx, name, args)
  yield* kernel.sched.computeBill(thread, leg(env, thread.bill(), payload(name, args, result), name))
  stats.addressSpaceSwitches++
  if (server.incarnation !== life && server.name === 'network') {
    stats.failedByCrash++
    result = fail(server.errno)
  }
  leaveFootprint(kernel, thread, name, caller.userIpc)
  const core = thread.cpu === null ? undefined : kernel.sched.machineCore(thread.cpu)
  if (core)
    core.cacheState = pollute(kernel.params, core.cacheState, tlbFlush(kernel), workingSetFor(kernel, caller.userIpc))
  return result
}

function* dedicated<N extends SyscallName>(
  env: MultiserverEnv,
  caller: Caller,
  server: Server,
  name: N,
  args: SyscallArgs<N>,
): Gen<SyscallResult> {
  const {app} = env
  yield* app.sched.computeBill(caller.thread, leg(env, caller.thread.bill(), payload(name, args, null)))
  const call: PendingCall = {
    name,
    args,
    process: caller.process,
    reply: new Wakeup<SyscallResult>(app.sim),
    answered: false,
  }
  server.inFlight.add(call)
  env.workers[server.name].dispatch(call)
  return (yield* app.sched.block(caller.thread, call.reply.wait())) as SyscallResult
}

/** A server's threads on its cores (dedicated): each sleeps in receive until an IPI brings a call. */
export class WorkerPool {
  private readonly idle = new Map<number, KThread[]>()
  private readonly busy = new Map<number, number>()
  private readonly inbox = new Map<KThread, Wakeup<PendingCall>>()
  /** The server's process (its address space), created with its first worker. */
  private process: KProcess | null = null

  constructor(
    private readonly env: MultiserverEnv,
    private readonly server: Server,
    private readonly cores: number[],
  ) {}

  /** The least busy core's sleeping worker (a new one if none sleeps there) gets the call after an IPI. */
  dispatch(call: PendingCall): void {
    const core = this.cores.reduce((a, b) => ((this.busy.get(b) ?? 0) < (this.busy.get(a) ?? 0) ? b : a))
    this.busy.set(core, (this.busy.get(core) ?? 0) + 1)
    const t = this.idle.get(core)?.pop() ?? this.newWorker(core)
    const inbox = this.inbox.get(t)!
    this.env.stats.ipis++
    after(this.env.servers.sim, ipi(this.env.servers.params), () => inbox.fire(call))
  }

  private newWorker(core: number): KThread {
    const k = this.env.servers
    this.process ??= k.createProcess(0)
    const t = k.createThread(this.process, 'kernel', `${this.server.name}-server`)
    k.sched.pin(t, core)
    this.inbox.set(t, new Wakeup<PendingCall>(k.sim))
    const pool = this
    spawn(
      k.sim,
      (function* () {
        let call = (yield* pool.inbox.get(t)!.wait()) as PendingCall
        yield* k.sched.acquire(t)
        for (;;) {
          yield* pool.serve(t, call)
          pool.busy.set(core, (pool.busy.get(core) ?? 1) - 1)
          const next = new Wakeup<PendingCall>(k.sim)
          pool.inbox.set(t, next)
          let list = pool.idle.get(core)
          if (!list) pool.idle.set(core, (list = []))
          list.push(t)
          call = (yield* k.sched.block(t, next.wait())) as PendingCall
        }
      })(),
      `${this.server.name}-server-${core}`,
    )
    return t
  }

  /** Run the handler for the caller's process, reply (IPC + IPI to the caller's core). */
  private *serve(t: KThread, call: PendingCall): Gen<void> {
    const k = this.env.servers
    const ctx: CallContext = {kernel: k, thread: t, process: call.process, name: call.name}
    const result = yield* k.invoke(ctx, call.name, call.args as never)
    yield* k.sched.computeBill(t, leg(this.env, t.bill(), payload(call.name, call.args, result), call.name))
    if (!call.answered) this.env.stats.ipis++
    // a crash answered it already: the late reply of the dead server is dropped
    this.server.answer(call, result, ipi(k.params))
  }
}
