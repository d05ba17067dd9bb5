/**
 * poll/select/epoll_wait over descriptors of several domains. Over one domain the call goes there
 * directly. Over several, as the release does it: each thread has an eventfd in every domain; the
 * library sends asynchronous polls to the service domains and runs the local one, each with that
 * domain's eventfd added. A remote poll that finishes signals the primary eventfd (ring message);
 * when the local poll returns the library signals the remote eventfds still waiting, collects every
 * answer, drains the eventfds it signalled and merges the results.
 */
import {eventChannelSend, virqDelivery} from '../../machine/cost.js'
import {countInXen} from '../dispatch/pv.js'
import {after} from '../engine.js'
import {EventFd} from '../syscalls/poll.js'
import {
  fail,
  O,
  POLL,
  type Fd,
  type Gen,
  type PollFd,
  type PollReady,
  type SyscallArgs,
  type SyscallResult,
} from '../types.js'
import type {LibDomain} from './fd-table.js'
import type {VirtuosLibC} from './library.js'
import type {ServiceDomain} from './params.js'
import {Request} from './request.js'
import {Act} from '../ledger.js'

export interface PollPart {
  /** Domain-local fd -> library fd. */
  back: Map<Fd, Fd>
  fds: PollFd[]
}

type PollName = 'poll' | 'select' | 'epoll_wait'

export function* crossDomainPoll(lib: VirtuosLibC, name: PollName, args: SyscallArgs<PollName>): Gen<SyscallResult> {
  if (name === 'epoll_wait') return yield* epollWait(lib, args as SyscallArgs<'epoll_wait'>)
  const asPoll: PollFd[] =
    name === 'poll'
      ? (args as SyscallArgs<'poll'>).fds
      : [
          ...(args as SyscallArgs<'select'>).readfds.map((fd) => ({fd, events: POLL.IN})),
          ...(args as SyscallArgs<'select'>).writefds.map((fd) => ({fd, events: POLL.OUT})),
        ]
  const timeout = (args as {timeout: number}).timeout
  const parts = new Map<LibDomain, PollPart>()
  const invalid: PollReady[] = []
  for (const {fd, events} of asPoll) {
    const slot = lib.vp.fds.get(fd)
    const stale = slot && slot.domain !== 'primary' && slot.incarnation !== lib.domains[slot.domain].incarnation
    if (!slot || slot.epoll || stale) {
      if (name === 'select') return fail('EBADF')
      invalid.push({fd, revents: POLL.NVAL})
      continue
    }
    const part: PollPart = parts.get(slot.domain) ?? {back: new Map(), fds: []}
    parts.set(slot.domain, part)
    part.back.set(slot.fd, fd)
    part.fds.push({fd: slot.fd, events})
  }
  if (invalid.length > 0 || parts.size === 0) {
    // an invalid descriptor is ready at once (POLLNVAL): poll the rest without waiting
    const ready = [...invalid]
    for (const [domain, part] of parts) {
      const r = yield* lib.domainCall(domain, 'poll', {fds: part.fds, timeout: 0})
      if (r.ret > 0) ready.push(...translate(r.ready ?? [], part.back))
    }
    if (ready.length === 0 && timeout !== 0 && parts.size === 0) {
      yield* lib.call('nanosleep', {cycles: Math.max(0, timeout)})
    }
    return {ret: ready.length, ready}
  }
  if (parts.size === 1) {
    const [domain, part] = [...parts][0]
    const r = yield* lib.domainCall(domain, 'poll', {fds: part.fds, timeout})
    return r.ret < 0 ? r : {ret: r.ret, ready: translate(r.ready ?? [], part.back)}
  }
  return yield* pollMany(lib, parts, timeout, (_domain, part, efd) => ({
    name: 'poll',
    args: {fds: [...part.fds, {fd: efd, events: POLL.IN}], timeout},
  }))
}

function translate(ready: PollReady[], back: Map<Fd, Fd>, skip?: Fd): PollReady[] {
  const out: PollReady[] = []
  for (const r of ready) {
    if (r.fd === skip) continue
    const fd = back.get(r.fd)
    if (fd !== undefined) out.push({fd, revents: r.revents})
  }
  return out
}

/** This thread's eventfd in `domain` (created on first use, non-blocking, not in the fd table). */
function* eventFd(lib: VirtuosLibC, domain: LibDomain): Gen<number> {
  const known = lib.u.eventFds.get(domain)
  if (known !== undefined) return known
  const r = yield* lib.domainCall(domain, 'eventfd', {initval: 0, flags: O.NONBLOCK})
  if (r.ret >= 0) lib.u.eventFds.set(domain, r.ret)
  return r.ret
}

type PartCall = {name: 'poll'; args: SyscallArgs<'poll'>} | {name: 'epoll_wait'; args: SyscallArgs<'epoll_wait'>}

/** One eventfd in the primary and in each domain polled, or null when one cannot be had. */
function* openEventFds(lib: VirtuosLibC, parts: Map<LibDomain, PollPart>): Gen<Map<LibDomain, number> | null> {
  const efds = new Map<LibDomain, number>()
  for (const domain of new Set<LibDomain>(['primary', ...parts.keys()])) {
    const efd = yield* eventFd(lib, domain)
    if (efd < 0) return null
    efds.set(domain, efd)
  }
  return efds
}

function* pollMany(
  lib: VirtuosLibC,
  parts: Map<LibDomain, PollPart>,
  timeout: number,
  build: (domain: LibDomain, part: PollPart, efd: number) => PartCall,
): Gen<SyscallResult> {
  const ctx = lib.ctx
  const efds = yield* openEventFds(lib, parts)
  if (efds === null) return fail('EMFILE')
  const primaryEfd = lib.vp.proc.fds.get(efds.get('primary')!)?.obj
  const signalPrimary = () => {
    const p = ctx.params
    after(ctx.sim, eventChannelSend(p) + virqDelivery(p), () => {
      const core = ctx.primary.sched.cpus[0]
      ctx.primary.sched.steal(core, countInXen(ctx.primary.sched, core, virqDelivery(p)), Act.eventChannel)
      if (primaryEfd instanceof EventFd) primaryEfd.signal(1)
    })
  }
  // asynchronous polls to the service domains
  const remote = new Map<ServiceDomain, {req: Request | SyscallResult; part: PollPart}>()
  for (const [domain, part] of parts) {
    if (domain === 'primary') continue
    const call = build(domain, part, efds.get(domain)!)
    const req = yield* lib.submit(domain, {kind: 'call', name: call.name, args: call.args})
    if (req instanceof Request) req.onDone = signalPrimary
    remote.set(domain, {req, part})
  }
  // the local one, with the primary eventfd
  const localPart: PollPart = parts.get('primary') ?? {back: new Map(), fds: []}
  const localCall = build('primary', localPart, efds.get('primary')!)
  const local =
    localCall.name === 'poll' || localPart.fds.length === 0
      ? yield* lib.local(
          'poll',
          localPart.fds.length === 0
            ? {fds: [{fd: efds.get('primary')!, events: POLL.IN}], timeout}
            : (localCall.args as SyscallArgs<'poll'>),
        )
      : yield* lib.local('epoll_wait', localCall.args)
  // the first to finish makes the others return
  const signalled: ServiceDomain[] = []
  for (const [domain, {req}] of remote) {
    if (req instanceof Request && !req.answered) {
      yield* lib.remote(domain, {kind: 'call', name: 'write', args: {fd: efds.get(domain)!, bytes: 8}})
      signalled.push(domain)
    }
  }
  const ready: PollReady[] = []
  if (local.ret > 0) ready.push(...translate(local.ready ?? [], localPart.back, efds.get('primary')))
  for (const [, {req, part}] of remote) {
    const r = req instanceof Request ? yield* lib.await(req) : req
    if (r.ret > 0) ready.push(...translate(r.ready ?? [], part.back, efds.get(domainOf(remote, part))))
  }
  // drain what was signalled
  if (primaryEfd instanceof EventFd && primaryEfd.count > 0) {
    yield* lib.local('read', {fd: efds.get('primary')!, bytes: 8})
  }
  for (const domain of signalled) {
    yield* lib.remote(domain, {kind: 'call', name: 'read', args: {fd: efds.get(domain)!, bytes: 8}})
  }
  return {ret: ready.length, ready}
}

function domainOf(remote: Map<ServiceDomain, {part: PollPart}>, part: PollPart): ServiceDomain {
  for (const [d, v] of remote) if (v.part === part) return d
  throw new Error('unreachable')
}

/** epoll_wait over the library epoll: its per-domain epolls, one directly, several as above. */
function* epollWait(lib: VirtuosLibC, a: SyscallArgs<'epoll_wait'>): Gen<SyscallResult> {
  const ep = lib.vp.fds.get(a.epfd)
  if (!ep) return fail('EBADF')
  if (!ep.epoll || a.maxEvents <= 0) return fail('EINVAL')
  const parts = new Map<LibDomain, PollPart>()
  for (const [domain, epfd] of ep.epoll) {
    if (domain !== 'primary' && !lib.domains[domain].up) continue
    const back = new Map<Fd, Fd>()
    for (const [fd, slot] of lib.vp.fds.entries()) if (slot.domain === domain && !slot.epoll) back.set(slot.fd, fd)
    parts.set(domain, {back, fds: [{fd: epfd, events: POLL.IN}]})
  }
  if (parts.size === 0) {
    if (a.timeout !== 0) yield* lib.call('nanosleep', {cycles: Math.max(0, a.timeout)})
    return {ret: 0, ready: []}
  }
  if (parts.size === 1) {
    const [domain, part] = [...parts][0]
    const r = yield* lib.domainCall(domain, 'epoll_wait', {...a, epfd: part.fds[0].fd})
    return r.ret < 0 ? r : {ret: r.ret, ready: translate(r.ready ?? [], part.back)}
  }
  // each domain's epoll watches this thread's eventfd there (added once)
  for (const [domain, part] of parts) {
    const key = `epoll:${a.epfd}:${domain}`
    if (lib.u.eventFds.has(key)) continue
    const efd = yield* eventFd(lib, domain)
    yield* lib.domainCall(domain, 'epoll_ctl', {epfd: part.fds[0].fd, op: 1, fd: efd, events: POLL.IN})
    lib.u.eventFds.set(key, efd)
  }
  return yield* pollMany(lib, parts, a.timeout, (_domain, part) => ({
    name: 'epoll_wait',
    args: {epfd: part.fds[0].fd, maxEvents: a.maxEvents, timeout: a.timeout},
  }))
}
