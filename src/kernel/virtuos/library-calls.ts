/**
 * Calls the VirtuOS library implements itself: dup2, sendfile across domains, mmap of primary
 * files, epoll over several domains, poll/select (xpoll.ts), the M:N futex, and exec (the fd table
 * saved and reloaded across the new image).
 */
import {trapEntry, trapExit} from '../../machine/cost.js'
import {ThreadExit} from '../syscalls/proc.js'
import {fail, FUTEX, ok, type Gen, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import type {VirtuosContext} from './context.js'
import type {VirtuosLibC} from './library.js'
import {runDetached} from './mn.js'
import {crossDomainPoll} from './xpoll.js'
import {Act, type Bill} from '../ledger.js'

export function* libraryCall<N extends SyscallName>(
  lib: VirtuosLibC,
  name: N,
  args: SyscallArgs<N>,
): Gen<SyscallResult> {
  switch (name) {
    case 'dup2':
      return yield* libDup2(lib, args as SyscallArgs<'dup2'>)
    case 'sendfile':
      return yield* libSendfile(lib, args as SyscallArgs<'sendfile'>)
    case 'mmap': {
      const a = args as SyscallArgs<'mmap'>
      if (a.fd === undefined || a.fd < 0) return yield* lib.local('mmap', a)
      const slot = lib.vp.fds.get(a.fd)
      if (!slot) return fail('EBADF')
      // mapping storage-domain files is not supported by the prototype
      return slot.domain === 'primary' ? yield* lib.local('mmap', {...a, fd: slot.fd}) : fail('EOPNOTSUPP')
    }
    case 'epoll_create': {
      const fd = lib.vp.fds.install({domain: 'primary', fd: -1, incarnation: 0, epoll: new Map()})
      return fd < 0 ? fail('EMFILE') : ok(fd)
    }
    case 'epoll_ctl':
      return yield* libEpollCtl(lib, args as SyscallArgs<'epoll_ctl'>)
    case 'poll':
    case 'select':
    case 'epoll_wait':
      return yield* crossDomainPoll(lib, name as 'poll' | 'select' | 'epoll_wait', args as never)
    default:
      return fail('ENOSYS')
  }
}

/** dup2 in the library: a dup in the owner domain, installed at the requested slot. */
function* libDup2(lib: VirtuosLibC, a: SyscallArgs<'dup2'>): Gen<SyscallResult> {
  const slot = lib.vp.fds.get(a.oldfd)
  if (!slot || lib.stale(slot)) return fail('EBADF')
  if (a.newfd < 0 || a.newfd >= lib.vp.fds.size) return fail('EBADF')
  if (a.oldfd === a.newfd) return ok(a.newfd)
  if (lib.vp.fds.get(a.newfd)) yield* lib.call('close', {fd: a.newfd})
  const r =
    slot.domain === 'primary'
      ? yield* lib.local('dup', {fd: slot.fd})
      : yield* lib.remote(slot.domain, {kind: 'call', name: 'dup', args: {fd: slot.fd}})
  if (r.ret < 0) return r
  lib.vp.fds.set(a.newfd, {domain: slot.domain, fd: r.ret, incarnation: slot.incarnation})
  return ok(a.newfd)
}

/** sendfile within one domain goes there; across domains the library reads and writes. */
function* libSendfile(lib: VirtuosLibC, a: SyscallArgs<'sendfile'>): Gen<SyscallResult> {
  const out = lib.vp.fds.get(a.outFd)
  const inp = lib.vp.fds.get(a.inFd)
  if (!out || !inp || lib.stale(out) || lib.stale(inp)) return fail('EBADF')
  if (out.domain === inp.domain) {
    const args = {...a, outFd: out.fd, inFd: inp.fd}
    return out.domain === 'primary'
      ? yield* lib.local('sendfile', args)
      : yield* lib.remote(out.domain, {kind: 'call', name: 'sendfile', args})
  }
  const r =
    a.offset !== undefined
      ? yield* lib.call('pread', {fd: a.inFd, bytes: a.count, offset: a.offset})
      : yield* lib.call('read', {fd: a.inFd, bytes: a.count})
  if (r.ret <= 0) return r
  return yield* lib.call('write', {fd: a.outFd, bytes: r.ret})
}

function* libEpollCtl(lib: VirtuosLibC, a: SyscallArgs<'epoll_ctl'>): Gen<SyscallResult> {
  const ep = lib.vp.fds.get(a.epfd)
  const target = lib.vp.fds.get(a.fd)
  if (!ep || !target || lib.stale(target)) return fail('EBADF')
  if (!ep.epoll) return fail('EINVAL')
  let epfd = ep.epoll.get(target.domain)
  if (epfd === undefined) {
    const r = yield* lib.domainCall(target.domain, 'epoll_create', {})
    if (r.ret < 0) return r
    epfd = r.ret
    ep.epoll.set(target.domain, epfd)
  }
  return yield* lib.domainCall(target.domain, 'epoll_ctl', {...a, epfd, fd: target.fd})
}

/** Library futex of M:N threads: waiting parks the user thread, not the kernel thread. */
export function* libFutex(lib: VirtuosLibC, a: SyscallArgs<'futex'>): Gen<SyscallResult> {
  const vp = lib.vp
  if (a.op === FUTEX.WAIT) {
    if ((vp.proc.memory.get(a.addr) ?? 0) !== a.val) return fail('EAGAIN')
    const list = vp.futexWaiters.get(a.addr) ?? []
    vp.futexWaiters.set(a.addr, list)
    list.push(lib.u)
    let timedOut = false
    if (a.timeout !== undefined && a.timeout >= 0) {
      const u = lib.u
      setTimer(lib.ctx, a.timeout, () => {
        const i = list.indexOf(u)
        if (i < 0) return
        list.splice(i, 1)
        timedOut = true
        runDetached(vp.makeReady(null, u))
      })
    }
    yield* vp.switchAway(lib.u, `futex ${a.addr}`)
    return timedOut ? fail('ETIMEDOUT') : ok(0)
  }
  if (a.op === FUTEX.WAKE) {
    const list = vp.futexWaiters.get(a.addr) ?? []
    let n = 0
    while (n < a.val && list.length > 0) {
      yield* vp.makeReady(lib.u.carrier, list.shift()!)
      n++
    }
    return ok(n)
  }
  return fail('ENOSYS')
}

/** exec: the library saves its fd table to a file and the new image reloads it. */
export function* libExec(lib: VirtuosLibC, a: SyscallArgs<'exec'>): Gen<SyscallResult> {
  const p = lib.ctx.params
  const bytes = lib.vp.fds.serializedBytes()
  const handler = lib.primary.handlerCycles('pwrite')
  const copy = lib.primary.copyCycles(lib.thread, bytes, true)
  const save = (b: Bill) =>
    b.add(Act.trap, trapEntry(p)).add(Act.handlerCold, handler).add(Act.copy, copy).add(Act.trap, trapExit(p))
  yield* lib.spendBill(save)
  const r = yield* lib.local('exec', a)
  if (r.ret < 0) return r
  yield* lib.spendBill(save) // reload: the same trap, read instead of write
  throw new ThreadExit(0, a.program)
}

function setTimer(ctx: VirtuosContext, cycles: number, fn: () => void): void {
  ctx.sim.at(ctx.sim.now + Math.max(0, Math.round(cycles)), fn)
}
