/**
 * The VirtuOS user library (uClibc + NPTL in the release) as a SyscallInterface: each call is
 * routed by the library fd table; local calls trap into the primary kernel as on native Linux,
 * remote calls go through the call pages of the owning service domain (exceptionless), buffers
 * copied through the data region, the waiting thread switching (M:N), spinning or sleeping.
 */
import {compute as computeCycles, eventChannelSend, grantMap, grantUnmap, trapEntry, trapExit} from '../../machine/cost.js'
import {copy} from '../../machine/copy.js'
import {leaveFootprint, userCompute} from '../dispatch/native.js'
import type {Kernel} from '../kernel.js'
import type {CallContext} from '../syscalls/context.js'
import {LibC} from '../syscalls/interface.js'
import {ThreadExit} from '../syscalls/proc.js'
import {fail, FCNTL, FUTEX, ok, type Gen, type Program, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import {socketOfCore, type VirtuosContext} from './context.js'
import {chunks} from './data-region.js'
import type {FdSlot, LibDomain} from './fd-table.js'
import type {UThread, VProcess} from './mn.js'
import type {ServiceDomain} from './params.js'
import {isFdCall, route} from './routing.js'
import {Request, type RemoteOp} from './request.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import type {WorkerGroup} from './worker-group.js'
import {crossDomainPoll} from './xpoll.js'

/** Calls whose successful result is a new descriptor in the domain that served them. */
const NEW_FD: ReadonlySet<SyscallName> = new Set<SyscallName>(['open', 'socket', 'accept', 'dup', 'eventfd'])
/** Calls moving a buffer into the kernel / out of it, cut at 4 MiB. */
const WRITES: ReadonlySet<SyscallName> = new Set<SyscallName>(['write', 'pwrite', 'send', 'sendto'])
const READS: ReadonlySet<SyscallName> = new Set<SyscallName>(['read', 'pread', 'recv', 'recvfrom'])

const SOCKADDR_BYTES = 16
const STAT_BYTES = 144

/** Bytes the library copies into the data region, and the room it reserves for results. */
export function transferBytes(op: RemoteOp): {inBytes: number; outBytes: number} {
  if (op.kind !== 'call') return {inBytes: 8, outBytes: 0}
  const a = op.args as Record<string, unknown>
  const path = typeof a.path === 'string' ? a.path.length + 1 : 0
  switch (op.name) {
    case 'write': case 'pwrite': case 'send': case 'sendto': return {inBytes: a.bytes as number, outBytes: 0}
    case 'read': case 'pread': case 'recv': case 'recvfrom': return {inBytes: 0, outBytes: a.bytes as number}
    case 'writev': return {inBytes: (a.iov as number[]).reduce((s, x) => s + x, 0) + 16 * (a.iov as number[]).length, outBytes: 0}
    case 'readv': return {inBytes: 16 * (a.iov as number[]).length, outBytes: (a.iov as number[]).reduce((s, x) => s + x, 0)}
    case 'stat': return {inBytes: path, outBytes: STAT_BYTES}
    case 'fstat': return {inBytes: 0, outBytes: STAT_BYTES}
    case 'open': case 'unlink': return {inBytes: path, outBytes: 0}
    case 'bind': case 'connect': return {inBytes: SOCKADDR_BYTES, outBytes: 0}
    case 'accept': return {inBytes: 0, outBytes: SOCKADDR_BYTES}
    case 'poll': return {inBytes: 8 * (a.fds as unknown[]).length, outBytes: 8 * (a.fds as unknown[]).length}
    case 'select': return {inBytes: 384, outBytes: 384}
    case 'epoll_wait': return {inBytes: 0, outBytes: 12 * (a.maxEvents as number)}
    case 'epoll_ctl': return {inBytes: 12, outBytes: 0}
    default: return {inBytes: 0, outBytes: 0}
  }
}

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
  private get primary(): Kernel {
    return this.ctx.primary
  }
  private get thread() {
    return this.u.carrier!.thread
  }
  private get core(): number {
    return this.thread.cpu ?? this.thread.lastCpu ?? this.primary.sched.cpus[0]
  }
  private *spend(cycles: number): Gen<void> {
    if (cycles > 0) yield* this.primary.sched.compute(this.thread, cycles)
  }

  compute(instructions: number, ipc?: number): Gen<void> {
    return userCompute(this.primary, this.thread, instructions, ipc ?? this.userIpc)
  }

  // --- dispatch ---

  *call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    yield* this.spend(computeCycles(this.ctx.params, this.ctx.vparams.libraryCallInstructions, this.userIpc))
    if (name === 'exit') {
      yield* this.local('exit', args as SyscallArgs<'exit'>)
      throw new ThreadExit((args as SyscallArgs<'exit'>).code)
    }
    if (name === 'exec') return yield* this.libExec(args as SyscallArgs<'exec'>)
    if (name === 'futex' && this.vp.mn) return yield* this.futex(args as SyscallArgs<'futex'>)
    const r = route(name, args, this.vp.fds)
    if (r.kind === 'badf') return name === 'close' ? this.closeStale(args as SyscallArgs<'close'>) : fail('EBADF')
    if (r.kind === 'library') return yield* this.libraryCall(name, args)
    const slot = isFdCall(name) ? this.vp.fds.get((args as {fd: number}).fd) : undefined
    if (slot && this.stale(slot)) return name === 'close' ? this.closeStale(args as SyscallArgs<'close'>) : fail('EBADF')
    const fwd = r.fd !== undefined ? ({...args, fd: r.fd} as SyscallArgs<N>) : args
    const result = r.domain === 'primary' ? yield* this.local(name, fwd) : yield* this.remoteChunked(r.domain, name, fwd)
    return this.adopt(r.domain, name, args, result)
  }

  /** Descriptors of an older life of a crashed domain. */
  private stale(slot: FdSlot): boolean {
    return slot.domain !== 'primary' && slot.incarnation !== this.domains[slot.domain].incarnation
  }

  private closeStale(a: SyscallArgs<'close'>): SyscallResult {
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
      const min = isDupfd ? (args as SyscallArgs<'fcntl'>).arg ?? 0 : 0
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
    yield* kernel.sched.compute(thread, trapEntry(kernel.params))
    const ctx: CallContext = {kernel, thread, process: this.vp.proc, name}
    const result = yield* kernel.invoke(ctx, name, args)
    yield* kernel.sched.compute(this.thread, trapExit(kernel.params))
    leaveFootprint(kernel, this.thread, name, this.userIpc)
    return result
  }

  /** Reads and writes larger than 4 MiB go as several requests; a short count ends the loop. */
  private *remoteChunked<N extends SyscallName>(domain: ServiceDomain, name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    if (!WRITES.has(name) && !READS.has(name)) return yield* this.remote(domain, {kind: 'call', name, args})
    const a = args as unknown as {bytes: number; offset?: number}
    const parts = chunks(a.bytes, this.ctx.vparams.transferChunkBytes)
    if (parts.length === 1) return yield* this.remote(domain, {kind: 'call', name, args})
    let total = 0
    for (const bytes of parts) {
      this.ctx.stats.chunks++
      const part = {...a, bytes, ...(a.offset !== undefined ? {offset: a.offset + total} : {})}
      const r = yield* this.remote(domain, {kind: 'call', name, args: part as SyscallArgs})
      if (r.ret < 0) return total > 0 ? ok(total) : r
      total += r.ret
      if (r.ret < bytes) break
    }
    return ok(total)
  }

  /** One exceptionless call: submit, wait, collect. */
  *remote(domain: ServiceDomain, op: RemoteOp): Gen<SyscallResult> {
    const req = yield* this.submit(domain, op)
    if (!(req instanceof Request)) return req
    return yield* this.await(req)
  }

  /** The group of this process in `domain`, registering (first call, or after a restart) if needed. */
  private *group(d: ServiceDomainRuntime): Gen<WorkerGroup | SyscallResult> {
    if (!d.up) return fail(d.errno)
    const g = this.vp.groups.get(d.name)
    if (g && !g.dead && this.vp.registeredIncarnation.get(d.name) === d.incarnation) return g
    const fresh = d.register(this.vp, this.vp.proc.ppid)
    this.vp.groups.set(d.name, fresh)
    this.vp.registeredIncarnation.set(d.name, d.incarnation)
    yield* this.primary.sched.block(this.thread, holdFor(d.registrationCycles(fresh, 0)))
    return fresh
  }

  /** Take an entry, copy in, push, and wake the domain only if it asked for it. */
  *submit(domain: ServiceDomain, op: RemoteOp): Gen<Request | SyscallResult> {
    const d = this.domains[domain]
    const got = yield* this.group(d)
    if (!('pages' in got)) return got
    const g = got
    const p = this.ctx.params
    const {inBytes, outBytes} = transferBytes(op)
    this.ctx.stats.remoteCalls++
    // space in the data region (it grows by grant batches; full: yield and retry)
    let alloc = g.data.alloc(inBytes + outBytes)
    while (!alloc) {
      this.ctx.stats.dataRetries++
      yield* this.local('sched_yield', {})
      if (g.dead) return fail(d.errno)
      alloc = g.data.alloc(inBytes + outBytes)
    }
    for (const batch of alloc.growth) yield* this.spend(trapEntry(p) + grantMap(p, batch) + eventChannelSend(p) + trapExit(p))
    // a free entry (none: yield and retry)
    let entry = null
    for (;;) {
      yield* this.spend(g.freeLine.atomic(this.core))
      if (g.dead) {
        g.data.free(alloc.offset)
        return fail(d.errno)
      }
      entry = g.pages.acquire(callNumber(op), this.u.tid, this.u.slot, null)
      if (entry) break
      this.ctx.stats.entryRetries++
      yield* this.local('sched_yield', {})
    }
    const req = new Request(this.ctx.sim, this.ctx.ledger.newId(), g, op, entry, this.u.slot)
    entry.request = req
    req.alloc = alloc
    g.inFlight.add(req)
    this.ctx.ledger.issue(req.id)
    const socket = socketOfCore(p, this.core)
    yield* this.spend(g.entryLine(entry).write(this.core) + copy(p, inBytes, {warm: true, srcSocket: socket, dstSocket: d.socket}))
    if (req.answered) return req // the domain crashed meanwhile: the disconnect handler answered it
    g.pages.submit(entry)
    yield* this.spend(g.submittedLine.atomic(this.core))
    g.pushed()
    yield* this.spend(d.wakeLine.read(this.core))
    if (d.up && d.wake.claimWake()) {
      this.ctx.stats.wakeEvents++
      yield* this.spend(d.wakeLine.atomic(this.core) + trapEntry(p) + eventChannelSend(p) + trapExit(p))
      d.sendWake()
    }
    return req
  }

  /** Wait for a request (M:N switch, or spin then rqueue_wait_notify) and collect its result. */
  *await(req: Request): Gen<SyscallResult> {
    const vp = this.vp
    if (!req.answered) {
      if (!vp.mn) {
        yield* vp.waitSingle(this.u, req)
      } else if (req.group.pages.markWaiting(req.entry)) {
        yield* vp.switchAway(this.u, `request ${req.id}`)
      }
    }
    const g = req.group
    const p = this.ctx.params
    const result = req.result!
    const out = READS.has(req.name as SyscallName) || req.name === 'readv' ? Math.max(0, result.ret) : transferBytes(req.op).outBytes
    const socket = socketOfCore(p, this.core)
    yield* this.spend(g.entryLine(req.entry).read(this.core) + copy(p, out, {warm: false, srcSocket: g.domain.socket, dstSocket: socket}))
    if (req.alloc) g.data.free(req.alloc.offset)
    g.inFlight.delete(req)
    if (!g.dead) {
      g.pages.release(req.entry)
      yield* this.spend(g.freeLine.atomic(this.core))
    }
    return result
  }

  // --- calls the library implements ---

  private *libraryCall<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    switch (name) {
      case 'dup2': return yield* this.libDup2(args as SyscallArgs<'dup2'>)
      case 'sendfile': return yield* this.libSendfile(args as SyscallArgs<'sendfile'>)
      case 'mmap': {
        const a = args as SyscallArgs<'mmap'>
        if (a.fd === undefined || a.fd < 0) return yield* this.local('mmap', a)
        const slot = this.vp.fds.get(a.fd)
        if (!slot) return fail('EBADF')
        // mapping storage-domain files is not supported by the prototype
        return slot.domain === 'primary' ? yield* this.local('mmap', {...a, fd: slot.fd}) : fail('EOPNOTSUPP')
      }
      case 'epoll_create': {
        const fd = this.vp.fds.install({domain: 'primary', fd: -1, incarnation: 0, epoll: new Map()})
        return fd < 0 ? fail('EMFILE') : ok(fd)
      }
      case 'epoll_ctl': return yield* this.libEpollCtl(args as SyscallArgs<'epoll_ctl'>)
      case 'poll': case 'select': case 'epoll_wait':
        return yield* crossDomainPoll(this, name as 'poll' | 'select' | 'epoll_wait', args as never)
      default: return fail('ENOSYS')
    }
  }

  /** dup2 in the library: a dup in the owner domain, installed at the requested slot. */
  private *libDup2(a: SyscallArgs<'dup2'>): Gen<SyscallResult> {
    const slot = this.vp.fds.get(a.oldfd)
    if (!slot || this.stale(slot)) return fail('EBADF')
    if (a.newfd < 0 || a.newfd >= this.vp.fds.size) return fail('EBADF')
    if (a.oldfd === a.newfd) return ok(a.newfd)
    if (this.vp.fds.get(a.newfd)) yield* this.call('close', {fd: a.newfd})
    const r = slot.domain === 'primary'
      ? yield* this.local('dup', {fd: slot.fd})
      : yield* this.remote(slot.domain, {kind: 'call', name: 'dup', args: {fd: slot.fd}})
    if (r.ret < 0) return r
    this.vp.fds.set(a.newfd, {domain: slot.domain, fd: r.ret, incarnation: slot.incarnation})
    return ok(a.newfd)
  }

  /** sendfile within one domain goes there; across domains the library reads and writes. */
  private *libSendfile(a: SyscallArgs<'sendfile'>): Gen<SyscallResult> {
    const out = this.vp.fds.get(a.outFd)
    const inp = this.vp.fds.get(a.inFd)
    if (!out || !inp || this.stale(out) || this.stale(inp)) return fail('EBADF')
    if (out.domain === inp.domain) {
      const args = {...a, outFd: out.fd, inFd: inp.fd}
      return out.domain === 'primary' ? yield* this.local('sendfile', args) : yield* this.remote(out.domain, {kind: 'call', name: 'sendfile', args})
    }
    const r = a.offset !== undefined ? yield* this.call('pread', {fd: a.inFd, bytes: a.count, offset: a.offset}) : yield* this.call('read', {fd: a.inFd, bytes: a.count})
    if (r.ret <= 0) return r
    return yield* this.call('write', {fd: a.outFd, bytes: r.ret})
  }

  private *libEpollCtl(a: SyscallArgs<'epoll_ctl'>): Gen<SyscallResult> {
    const ep = this.vp.fds.get(a.epfd)
    const target = this.vp.fds.get(a.fd)
    if (!ep || !target || this.stale(target)) return fail('EBADF')
    if (!ep.epoll) return fail('EINVAL')
    let epfd = ep.epoll.get(target.domain)
    if (epfd === undefined) {
      const r = yield* this.domainCall(target.domain, 'epoll_create', {})
      if (r.ret < 0) return r
      epfd = r.ret
      ep.epoll.set(target.domain, epfd)
    }
    return yield* this.domainCall(target.domain, 'epoll_ctl', {...a, epfd, fd: target.fd})
  }

  /** A call with domain-local arguments, to `domain` (local trap or remote request). */
  *domainCall<N extends SyscallName>(domain: LibDomain, name: N, args: SyscallArgs<N>): Gen<SyscallResult> {
    return domain === 'primary' ? yield* this.local(name, args) : yield* this.remote(domain, {kind: 'call', name, args})
  }

  /** Library futex of M:N threads: waiting parks the user thread, not the kernel thread. */
  private *futex(a: SyscallArgs<'futex'>): Gen<SyscallResult> {
    const vp = this.vp
    if (a.op === FUTEX.WAIT) {
      if ((vp.proc.memory.get(a.addr) ?? 0) !== a.val) return fail('EAGAIN')
      const list = vp.futexWaiters.get(a.addr) ?? []
      vp.futexWaiters.set(a.addr, list)
      list.push(this.u)
      let timedOut = false
      if (a.timeout !== undefined && a.timeout >= 0) {
        const u = this.u
        setTimer(this.ctx, a.timeout, () => {
          const i = list.indexOf(u)
          if (i < 0) return
          list.splice(i, 1)
          timedOut = true
          runDetached(vp.makeReady(null, u))
        })
      }
      yield* vp.switchAway(this.u, `futex ${a.addr}`)
      return timedOut ? fail('ETIMEDOUT') : ok(0)
    }
    if (a.op === FUTEX.WAKE) {
      const list = vp.futexWaiters.get(a.addr) ?? []
      let n = 0
      while (n < a.val && list.length > 0) {
        yield* vp.makeReady(this.u.carrier, list.shift()!)
        n++
      }
      return ok(n)
    }
    return fail('ENOSYS')
  }

  /** Credential changes go to the primary and to every domain the process uses. */
  *setCredentials(uid: number, gid: number): Gen<SyscallResult> {
    yield* this.spend(trapEntry(this.ctx.params) + this.primary.handlerCycles('getpid') + trapExit(this.ctx.params))
    this.vp.proc.cred = {uid, gid}
    for (const [domain, g] of this.vp.groups) {
      if (g.dead) continue
      const r = yield* this.remote(domain, {kind: 'setcred', uid, gid})
      if (r.ret < 0) return r
    }
    return ok(0)
  }

  /** exec: the library saves its fd table to a file and the new image reloads it. */
  private *libExec(a: SyscallArgs<'exec'>): Gen<SyscallResult> {
    const p = this.ctx.params
    const bytes = this.vp.fds.serializedBytes()
    const save = trapEntry(p) + this.primary.handlerCycles('pwrite') + this.primary.copyCycles(this.thread, bytes, true) + trapExit(p)
    yield* this.spend(save)
    const r = yield* this.local('exec', a)
    if (r.ret < 0) return r
    yield* this.spend(save) // reload: the same trap, read instead of write
    throw new ThreadExit(0, a.program)
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
      if (!g.dead) yield* this.spend(grantUnmap(p, g.data.mappedPages + v.callPages + 1))
      this.domains[domain].unregister(this.vp.pid)
    }
    this.vp.groups.clear()
  }
}

/** The call number carried in the entry's id byte (1..0x7e). */
function callNumber(op: RemoteOp): number {
  const name = op.kind === 'call' ? op.name : op.kind
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 0x7e
  return h + 1
}

function* holdFor(cycles: number): Gen<void> {
  if (cycles > 0) yield Math.round(cycles)
}

function setTimer(ctx: VirtuosContext, cycles: number, fn: () => void): void {
  ctx.sim.at(ctx.sim.now + Math.max(0, Math.round(cycles)), fn)
}

/** Run library bookkeeping that needs no CPU (makeReady with no carrier) from a callback. */
export function runDetached(g: Gen<void>): void {
  if (!g.next().done) throw new Error('detached library step tried to wait')
}

