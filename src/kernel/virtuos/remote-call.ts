/**
 * The exceptionless path of the VirtuOS library: register with a service domain on first use, take
 * a call-page entry, copy the arguments into the data region, push, wake the domain only if it
 * asked for it; then wait (M:N switch, or spin and sleep) and copy the results out.
 */
import {eventChannelSend, grantMap, trapEntry, trapExit} from '../../machine/cost.js'
import {xenTrapShare} from '../dispatch/pv.js'
import {copy} from '../../machine/copy.js'
import {fail, ok, type Gen, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import {socketOfCore} from './context.js'
import type {CallEntry} from './call-page.js'
import {chunks, type Allocation} from './data-region.js'
import type {VirtuosLibC} from './library.js'
import type {ServiceDomain} from './params.js'
import {Request, type RemoteOp} from './request.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import type {WorkerGroup} from './worker-group.js'
import {Act} from '../ledger.js'
import {FLOW} from '../flow.js'

/** Calls moving a buffer into the kernel / out of it, cut at 4 MiB. */
export const WRITES: ReadonlySet<SyscallName> = new Set<SyscallName>(['write', 'pwrite', 'send', 'sendto'])
export const READS: ReadonlySet<SyscallName> = new Set<SyscallName>(['read', 'pread', 'recv', 'recvfrom'])

const SOCKADDR_BYTES = 16
const STAT_BYTES = 144

/** Bytes the library copies into the data region, and the room it reserves for results. */
export function transferBytes(op: RemoteOp): {inBytes: number; outBytes: number} {
  if (op.kind !== 'call') return {inBytes: 8, outBytes: 0}
  const a = op.args as Record<string, unknown>
  const path = typeof a.path === 'string' ? a.path.length + 1 : 0
  switch (op.name) {
    case 'write':
    case 'pwrite':
    case 'send':
    case 'sendto':
      return {inBytes: a.bytes as number, outBytes: 0}
    case 'read':
    case 'pread':
    case 'recv':
    case 'recvfrom':
      return {inBytes: 0, outBytes: a.bytes as number}
    case 'writev': {
      const iov = a.iov as number[]
      return {inBytes: iov.reduce((s, x) => s + x, 0) + 16 * iov.length, outBytes: 0}
    }
    case 'readv': {
      const iov = a.iov as number[]
      return {inBytes: 16 * iov.length, outBytes: iov.reduce((s, x) => s + x, 0)}
    }
    case 'stat':
      return {inBytes: path, outBytes: STAT_BYTES}
    case 'fstat':
      return {inBytes: 0, outBytes: STAT_BYTES}
    case 'open':
    case 'unlink':
      return {inBytes: path, outBytes: 0}
    case 'bind':
    case 'connect':
      return {inBytes: SOCKADDR_BYTES, outBytes: 0}
    case 'accept':
      return {inBytes: 0, outBytes: SOCKADDR_BYTES}
    case 'poll':
      return {inBytes: 8 * (a.fds as unknown[]).length, outBytes: 8 * (a.fds as unknown[]).length}
    case 'select':
      return {inBytes: 384, outBytes: 384}
    case 'epoll_wait':
      return {inBytes: 0, outBytes: 12 * (a.maxEvents as number)}
    case 'epoll_ctl':
      return {inBytes: 12, outBytes: 0}
    default:
      return {inBytes: 0, outBytes: 0}
  }
}

/** Reads and writes larger than 4 MiB go as several requests; a short count ends the loop. */
export function* remoteChunked<N extends SyscallName>(
  lib: VirtuosLibC,
  domain: ServiceDomain,
  name: N,
  args: SyscallArgs<N>,
): Gen<SyscallResult> {
  if (!WRITES.has(name) && !READS.has(name)) return yield* lib.remote(domain, {kind: 'call', name, args})
  const a = args as unknown as {bytes: number; offset?: number}
  const parts = chunks(a.bytes, lib.ctx.vparams.transferChunkBytes)
  if (parts.length === 1) return yield* lib.remote(domain, {kind: 'call', name, args})
  let total = 0
  for (const bytes of parts) {
    lib.ctx.stats.chunks++
    const part = {...a, bytes, ...(a.offset !== undefined ? {offset: a.offset + total} : {})}
    const r = yield* lib.remote(domain, {kind: 'call', name, args: part as SyscallArgs})
    if (r.ret < 0) return total > 0 ? ok(total) : r
    total += r.ret
    if (r.ret < bytes) break
  }
  return ok(total)
}

/** The group of this process in `domain`, registering (first call, or after a restart) if needed. */
function* registeredGroup(lib: VirtuosLibC, d: ServiceDomainRuntime): Gen<WorkerGroup | SyscallResult> {
  if (!d.up) return fail(d.errno)
  const g = lib.vp.groups.get(d.name)
  if (g && !g.dead && lib.vp.registeredIncarnation.get(d.name) === d.incarnation) return g
  const fresh = d.register(lib.vp, lib.vp.proc.ppid)
  lib.vp.groups.set(d.name, fresh)
  lib.vp.registeredIncarnation.set(d.name, d.incarnation)
  yield* lib.primary.sched.block(lib.thread, holdFor(d.registrationCycles(fresh, 0)))
  return fresh
}

/** Take an entry, copy in, push, and wake the domain only if it asked for it. */
export function* submitRequest(lib: VirtuosLibC, domain: ServiceDomain, op: RemoteOp): Gen<Request | SyscallResult> {
  const d = lib.domains[domain]
  const got = yield* registeredGroup(lib, d)
  if (!('pages' in got)) return got
  const g = got
  const p = lib.ctx.params
  const {inBytes, outBytes} = transferBytes(op)
  lib.ctx.stats.remoteCalls++
  const alloc = yield* allocData(lib, g, inBytes + outBytes)
  if (!alloc) return fail(d.errno)
  const entry = yield* takeEntry(lib, g, op)
  if (!entry) {
    g.data.free(alloc.offset)
    return fail(d.errno)
  }
  const req = new Request(lib.ctx.sim, lib.ctx.ledger.newId(), g, op, entry, lib.u.slot)
  entry.request = req
  req.alloc = alloc
  g.inFlight.add(req)
  lib.ctx.ledger.issue(req.id)
  const socket = socketOfCore(p, lib.core)
  yield* lib.spendBill((b) =>
    b
      .add(Act.queue, g.entryLine(entry).write(lib.core))
      .add(Act.copy, copy(p, inBytes, {warm: true, srcSocket: socket, dstSocket: d.socket})),
  )
  if (req.answered) return req // the domain crashed meanwhile: the disconnect handler answered it
  g.pages.submit(entry)
  lib.primary.flows.step('submit', FLOW.remoteCall, req.id, lib.thread)
  yield* lib.spend(g.submittedLine.atomic(lib.core), Act.queue)
  g.pushed()
  yield* wakeIfAsked(lib, d)
  return req
}

/** Space in the data region (it grows by grant batches; full: yield and retry); null: the group died. */
function* allocData(lib: VirtuosLibC, g: WorkerGroup, bytes: number): Gen<Allocation | null> {
  const p = lib.ctx.params
  let alloc = g.data.alloc(bytes)
  while (!alloc) {
    lib.ctx.stats.dataRetries++
    yield* lib.local('sched_yield', {})
    if (g.dead) return null
    alloc = g.data.alloc(bytes)
  }
  for (const batch of alloc.growth) {
    lib.inXen(2 * xenTrapShare(p) + grantMap(p, batch) + eventChannelSend(p))
    yield* lib.spendBill((b) =>
      b
        .add(Act.trap, trapEntry(p))
        .add(Act.grant, grantMap(p, batch))
        .add(Act.eventChannel, eventChannelSend(p))
        .add(Act.trap, trapExit(p)),
    )
  }
  return alloc
}

/** A free call-page entry (none: yield and retry); null: the group died meanwhile. */
function* takeEntry(lib: VirtuosLibC, g: WorkerGroup, op: RemoteOp): Gen<CallEntry | null> {
  for (;;) {
    yield* lib.spend(g.freeLine.atomic(lib.core), Act.queue)
    if (g.dead) return null
    const entry = g.pages.acquire(callNumber(op), lib.u.tid, lib.u.slot, null)
    if (entry) return entry
    lib.ctx.stats.entryRetries++
    yield* lib.local('sched_yield', {})
  }
}

/** The submitter reads the wake word; if the domain asked for a wake (WAKE_REQUESTED), it sends one. */
function* wakeIfAsked(lib: VirtuosLibC, d: ServiceDomainRuntime): Gen<void> {
  const p = lib.ctx.params
  yield* lib.spend(d.wakeLine.read(lib.core), Act.queue)
  if (d.up && d.wake.claimWake()) {
    lib.ctx.stats.wakeEvents++
    lib.inXen(2 * xenTrapShare(p) + eventChannelSend(p))
    yield* lib.spendBill((b) =>
      b
        .add(Act.queue, d.wakeLine.atomic(lib.core))
        .add(Act.trap, trapEntry(p))
        .add(Act.eventChannel, eventChannelSend(p))
        .add(Act.trap, trapExit(p)),
    )
    d.sendWake()
  }
}

/** Wait for a request (M:N switch, or spin then rqueue_wait_notify) and collect its result. */
export function* awaitRequest(lib: VirtuosLibC, req: Request): Gen<SyscallResult> {
  const vp = lib.vp
  if (!req.answered) {
    if (!vp.mn) {
      yield* vp.waitSingle(lib.u, req)
    } else if (req.group.pages.markWaiting(req.entry)) {
      yield* vp.switchAway(lib.u, `request ${req.id}`)
    }
  }
  const g = req.group
  const p = lib.ctx.params
  const result = req.result!
  const out =
    READS.has(req.name as SyscallName) || req.name === 'readv'
      ? Math.max(0, result.ret)
      : transferBytes(req.op).outBytes
  const socket = socketOfCore(p, lib.core)
  lib.primary.flows.step('complete', FLOW.remoteCall, req.id, lib.thread)
  yield* lib.spendBill((b) =>
    b
      .add(Act.queue, g.entryLine(req.entry).read(lib.core))
      .add(Act.copy, copy(p, out, {warm: false, srcSocket: g.domain.socket, dstSocket: socket})),
  )
  if (req.alloc) g.data.free(req.alloc.offset)
  g.inFlight.delete(req)
  if (!g.dead) {
    g.pages.release(req.entry)
    yield* lib.spend(g.freeLine.atomic(lib.core), Act.queue)
  }
  return result
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
