/**
 * The VirtuOS user library (uClibc + NPTL in the release) as a SyscallInterface: each call is
 * routed by the library fd table; local calls trap into the primary kernel as on native Linux,
 * remote calls go through the call pages of the owning service domain (exceptionless), buffers
 * copied through the data region, the waiting thread switching (M:N), spinning or sleeping.
 */
import {compute as computeCycles, grantUnmap, trapEntry, trapExit} from '../../machine/cost.js'
import {leaveFootprint, userCompute} from '../dispatch/native.js'
import {countInXen, xenTrapShare} from '../dispatch/pv.js'
import type {Kernel} from '../kernel.js'
import type {CallContext} from '../syscalls/context.js'
import {LibC} from '../syscalls/interface.js'
import {ThreadExit} from '../syscalls/proc.js'
import {
  fail,
  FCNTL,
  ok,
  type Gen,
  type Program,
  type SyscallArgs,
  type SyscallName,
  type SyscallResult,
} from '../types.js'
import type {VirtuosContext} from './context.js'
import type {FdSlot, LibDomain} from './fd-table.js'
import {libExec, libFutex, libraryCall} from './library-calls.js'
import {runDetached, type UThread, type VProcess} from './mn.js'
import type {ServiceDomain} from './params.js'
import {awaitRequest, remoteChunked, submitRequest} from './remote-call.js'
import {Request, type RemoteOp} from './request.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import {isFdCall, route} from './routing.js'
import {Act, type Activity, type Bill} from '../ledger.js'

/** Calls whose successful result is a new descriptor in the domain that served them. */
const NEW_FD: ReadonlySet<SyscallName> = new Set<SyscallName>(['open', 'socket', 'accept', 'dup', 'eventfd'])

export class VirtuosLibC extends LibC {
  userIpc: number

  constructor(
    readonly ctx: VirtuosContext,
    readonly domains: Record<ServiceDomain, ServiceDomainRuntime>,
    readonly vp: VProcess,
    readonly u: UThread,
    /** Starts a user thread's program (the backend wraps it with carrier hand-over). */
    private readonly startThread: (vp: VProcess, u: UThread, body: Program, sys: VirtuosLibC) => void,
  ) {
    super()
    this.userIpc = ctx.params.cpu.userIpc
  }

  get pid(): number {
    return this.vp.pid
  }
  get tid(): number {
    return this.u.tid
  }
  now(): number {
    return this.ctx.sim.now
  }
  // what the library's modules (remote-call.ts, library-calls.ts, xpoll.ts) work with
  get primary(): Kernel {
    return this.ctx.primary
  }
  get thread() {
    return this.u.carrier!.thread
  }
  get core(): number {
    return this.thread.cpu ?? this.thread.lastCpu ?? this.primary.sched.cpus[0]
  }
  /** Count `cycles` of what this thread spends as Xen's (hypervisor mode of the primary); returns them. */
  inXen(cycles: number): number {
    return countInXen(this.primary.sched, this.thread.cpu ?? this.core, cycles)
  }
  *spend(cycles: number, activity: Activity): Gen<void> {
    if (cycles > 0) yield* this.primary.sched.compute(this.thread, cycles, activity)
  }
  /** spend() of a stretch split by activity: the thread's bill, filled by `fill`. */
  *spendBill(fill: (bill: Bill) => Bill): Gen<void> {
    const bill = fill(this.thread.bill())
    if (bill.unrounded > 0) yield* this.primary.sched.computeBill(this.thread, bill)
  }

  compute(instructions: number, ipc?: number): Gen<void> {
    return userCompute(this.primary, this.thread, instructions, ipc ?? this.userIpc)
  }

  // --- dispatch ---

  *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    yield* this.spend(computeCycles(this.ctx.vparams.libraryCallInstructions, this.userIpc), Act.library)
    if (name === 'exit') {
      yield* this.local('exit', args as SyscallArgs<'exit'>)
      throw new ThreadExit((args as SyscallArgs<'exit'>).code)
    }
    if (name === 'exec') return yield* libExec(this, args as SyscallArgs<'exec'>)
    if (name === 'futex' && this.vp.mn) return yield* libFutex(this, args as SyscallArgs<'futex'>)
    const r = route(name, args, this.vp.fds)
    if (r.kind === 'badf') return name === 'close' ? this.closeStale(args as SyscallArgs<'close'>) : fail('EBADF')
    if (r.kind === 'library') return yield* libraryCall(this, name, args)
    const slot = isFdCall(name) ? this.vp.fds.get((args as {fd: number}).fd) : undefined
    if (slot && this.stale(slot)) {
      return name === 'close' ? this.closeStale(args as SyscallArgs<'close'>) : fail('EBADF')
    }
    const fwd = r.fd !== undefined ? ({...args, fd: r.fd} as SyscallArgs<N>) : args
    const result =
      r.domain === 'primary' ? yield* this.local(name, fwd) : yield* remoteChunked(this, r.domain, name, fwd)
    return this.adopt(r.domain, name, args, result)
  }

  /** Descriptors of an older life of a crashed domain. */
  stale(slot: FdSlot): boolean {
    return slot.domain !== 'primary' && slot.incarnation !== this.domains[slot.domain].incarnation
  }

  closeStale(a: SyscallArgs<'close'>): SyscallResult {
    return this.vp.fds.remove(a.fd) ? ok(0) : fail('EBADF')
  }

  /** Library bookkeeping of a result: new fds get a slot; close frees it. */
  private adopt(domain: LibDomain, name: SyscallName, args: SyscallArgs, result: SyscallResult): SyscallResult {
    if (result.ret < 0) return result
    if (name === 'close') {
      this.vp.fds.remove((args as SyscallArgs<'close'>).fd)
      return result
    }
    const isDupfd = name === 'fcntl' && (args as SyscallArgs<'fcntl'>).cmd === FCNTL.DUPFD
    if (NEW_FD.has(name) || isDupfd) {
      const min = isDupfd ? ((args as SyscallArgs<'fcntl'>).arg ?? 0) : 0
      const fd = this.install(domain, result.ret, min)
      return fd < 0 ? fail('EMFILE') : {...result, ret: fd}
    }
    if (name === 'pipe' && result.fds) {
      return {...result, fds: [this.install('primary', result.fds[0]), this.install('primary', result.fds[1])]}
    }
    return result
  }

  install(domain: LibDomain, fd: number, min = 0): number {
    const incarnation = domain === 'primary' ? 0 : this.domains[domain].incarnation
    return this.vp.fds.install({domain, fd, incarnation}, min)
  }

  /** An ordinary trap into the primary kernel (as native). */
  *local<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    const kernel = this.primary
    const thread = this.thread
    this.ctx.stats.localCalls++
    yield* kernel.sched.compute(thread, trapEntry(kernel.params), Act.trap)
    countInXen(kernel.sched, thread.cpu, xenTrapShare(kernel.params))
    const ctx: CallContext = {kernel, thread, process: this.vp.proc, name}
    const result = yield* kernel.invoke(ctx, name, args)
    yield* kernel.sched.compute(this.thread, trapExit(kernel.params), Act.trap)
    countInXen(kernel.sched, this.thread.cpu, xenTrapShare(kernel.params))
    leaveFootprint(kernel, this.thread, name, this.userIpc)
    return result
  }

  /** One exceptionless call: submit, wait, collect. */
  *remote(domain: ServiceDomain, op: RemoteOp): Gen<SyscallResult> {
    const req = yield* submitRequest(this, domain, op)
    if (!(req instanceof Request)) return req
    return yield* awaitRequest(this, req)
  }

  /** Take an entry, copy in, push, and wake the domain only if it asked for it (remote-call.ts). */
  submit(domain: ServiceDomain, op: RemoteOp): Gen<Request | SyscallResult> {
    return submitRequest(this, domain, op)
  }

  /** Wait for a request and collect its result (remote-call.ts). */
  await(req: Request): Gen<SyscallResult> {
    return awaitRequest(this, req)
  }

  // --- calls to several domains (the library's own calls: library-calls.ts) ---

  /** A call with domain-local arguments, to `domain` (local trap or remote request). */
  *domainCall<N extends SyscallName>(domain: LibDomain, name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    return domain === 'primary' ? yield* this.local(name, args) : yield* this.remote(domain, {kind: 'call', name, args})
  }

  /** Credential changes go to the primary and to every domain the process uses. */
  *setCredentials(uid: number, gid: number): Gen<SyscallResult> {
    const p = this.ctx.params
    yield* this.spendBill((b) =>
      b
        .add(Act.trap, trapEntry(p))
        .add(Act.handlerCold, this.primary.handlerCycles('getpid'))
        .add(Act.trap, trapExit(p)),
    )
    this.inXen(2 * xenTrapShare(p))
    this.vp.proc.cred = {uid, gid}
    for (const [domain, g] of this.vp.groups) {
      if (g.dead) continue
      const r = yield* this.remote(domain, {kind: 'setcred', uid, gid})
      if (r.ret < 0) return r
    }
    return ok(0)
  }

  // --- threads ---

  *spawnThread(body: Program, name = 'thread'): Gen<number> {
    const vp = this.vp
    const u = vp.newThread(name)
    if (!u) return -1
    vp.mn = true
    const sys = new VirtuosLibC(this.ctx, this.domains, vp, u, this.startThread)
    sys.userIpc = this.userIpc
    this.startThread(vp, u, body, sys)
    yield* vp.makeReady(this.u.carrier, u)
    return u.tid
  }

  *joinThread(tid: number): Gen<number> {
    const record = this.ctx.runner.record(this.primary, tid)
    if (!record) return -1
    while (!record.done) {
      if (!this.vp.mn) {
        yield* this.ctx.runner.join(this.primary, this.thread, tid)
        continue
      }
      const u = this.u
      const vp = this.vp
      record.exitQueue.add(() => runDetached(vp.makeReady(null, u)))
      yield* vp.switchAway(u, `join ${tid}`)
    }
    return record.value
  }

  /** Tear down this process's shared windows in every domain (exit). */
  *unmapAll(): Gen<void> {
    const p = this.ctx.params
    const v = this.ctx.vparams
    for (const [domain, g] of this.vp.groups) {
      if (!g.dead) yield* this.spend(this.inXen(grantUnmap(p, g.data.mappedPages + v.callPages + 1)), Act.grant)
      this.domains[domain].unregister(this.vp.pid)
    }
    this.vp.groups.clear()
  }
}
