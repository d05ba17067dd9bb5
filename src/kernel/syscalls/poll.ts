/** Readiness: poll, select, epoll (level-triggered) and eventfd. */
import {nextDescriptionId, OpenFile, type FileObject} from '../file.js'
import {
  fail,
  ok,
  EPOLL_CTL,
  O,
  POLL,
  type Fd,
  type Gen,
  type PollFd,
  type PollReady,
  type SyscallResult,
} from '../types.js'
import {KWaitQueue, sleepOnAny} from '../waitqueue.js'
import type {CallContext} from './context.js'
import {fileOf} from './file.js'
import type {SyscallTable} from './table.js'
import {Act} from '../ledger.js'

const ALWAYS = POLL.ERR | POLL.HUP | POLL.NVAL

/** An eventfd: a 64-bit counter; read takes it (blocking at 0), write adds to it. */
export class EventFd implements FileObject {
  readonly kind = 'eventfd' as const
  readonly pollQueue = new KWaitQueue()
  readonly readers = new KWaitQueue()
  constructor(public count: number) {}

  *read(ctx: CallContext, file: OpenFile, bytes: number): Gen<SyscallResult> {
    if (bytes < 8) return fail('EINVAL')
    while (this.count === 0) {
      if (file.flags & O.NONBLOCK) return fail('EAGAIN')
      yield* this.readers.sleep(ctx.kernel.sched, ctx.thread, -1, false)
    }
    this.count = 0
    this.pollQueue.wakeAll()
    return ok(8)
  }

  *write(ctx: CallContext, _file: OpenFile, bytes: number): Gen<SyscallResult> {
    if (bytes < 8) return fail('EINVAL')
    this.signal(1)
    if (this.readers.length > 0 || this.pollQueue.length > 0)
      yield* ctx.kernel.sched.compute(ctx.thread, ctx.kernel.params.cpu.wakeup, Act.kernel)
    return ok(8)
  }

  /** Add to the counter and wake waiters (also used by kernel code: VirtuOS' cross-domain poll). */
  signal(n: number): void {
    this.count += n
    this.readers.wakeAll()
    this.pollQueue.wakeAll()
  }

  poll(): number {
    return (this.count > 0 ? POLL.IN : 0) | POLL.OUT
  }
}

/** An epoll instance: the interest list; readiness is recomputed on each wait (level-triggered). */
export class Epoll implements FileObject {
  readonly kind = 'epoll' as const
  readonly pollQueue = new KWaitQueue()
  readonly interest = new Map<Fd, {file: OpenFile; events: number}>()
  poll(): number {
    for (const {file, events} of this.interest.values())
      if ((file.obj.poll?.(file) ?? 0) & (events | ALWAYS)) return POLL.IN
    return 0
  }
}

function readiness(ctx: CallContext, fds: PollFd[]): {ready: PollReady[]; queues: KWaitQueue[]} {
  const ready: PollReady[] = []
  const queues: KWaitQueue[] = []
  for (const {fd, events} of fds) {
    const file = fileOf(ctx, fd)
    if (!file) {
      ready.push({fd, revents: POLL.NVAL})
      continue
    }
    const revents = (file.obj.poll?.(file) ?? POLL.IN | POLL.OUT) & (events | ALWAYS)
    if (revents) ready.push({fd, revents})
    if (file.obj.pollQueue) queues.push(file.obj.pollQueue)
  }
  return {ready, queues}
}

/** Check, and sleep until something may have changed or the timeout passes; repeat. */
function* waitReady(
  ctx: CallContext,
  check: () => {ready: PollReady[]; queues: KWaitQueue[]},
  timeout: number,
  perCheck: number,
): Gen<PollReady[]> {
  const deadline = timeout < 0 ? Infinity : ctx.kernel.sim.now + timeout
  for (;;) {
    yield* ctx.kernel.sched.compute(ctx.thread, perCheck, Act.kernel)
    const {ready, queues} = check()
    if (ready.length > 0 || timeout === 0) return ready
    const left = deadline - ctx.kernel.sim.now
    if (left <= 0) return ready
    const woken = yield* sleepOnAny(ctx.kernel.sched, ctx.thread, queues, left === Infinity ? -1 : left)
    if (!woken) {
      yield* ctx.kernel.sched.compute(ctx.thread, perCheck, Act.kernel)
      return check().ready
    }
  }
}

function perFdCycles(ctx: CallContext, n: number): number {
  return Math.ceil((n * ctx.kernel.kparams.pollPerFdInstructions) / ctx.kernel.params.cpu.kernelIpc)
}

export const pollHandlers: SyscallTable = {
  *poll(ctx, a) {
    const ready = yield* waitReady(ctx, () => readiness(ctx, a.fds), a.timeout, perFdCycles(ctx, a.fds.length))
    return {ret: ready.length, ready}
  },

  *select(ctx, a) {
    const fds: PollFd[] = [
      ...a.readfds.map((fd) => ({fd, events: POLL.IN})),
      ...a.writefds.map((fd) => ({fd, events: POLL.OUT})),
    ]
    if (fds.some(({fd}) => !fileOf(ctx, fd))) return fail('EBADF')
    const ready = yield* waitReady(ctx, () => readiness(ctx, fds), a.timeout, perFdCycles(ctx, fds.length))
    return {ret: ready.length, ready}
  },

  *epoll_create(ctx) {
    const fd = ctx.process.fds.install(new OpenFile(new Epoll(), O.RDWR, nextDescriptionId(ctx.kernel.sim)))
    return fd < 0 ? fail('EMFILE') : ok(fd)
  },

  *epoll_ctl(ctx, a) {
    const ep = fileOf(ctx, a.epfd)
    const target = fileOf(ctx, a.fd)
    if (!ep || !target) return fail('EBADF')
    if (!(ep.obj instanceof Epoll) || a.epfd === a.fd) return fail('EINVAL')
    const interest = ep.obj.interest
    if (a.op === EPOLL_CTL.ADD) {
      if (interest.has(a.fd)) return fail('EEXIST')
      interest.set(a.fd, {file: target, events: a.events})
    } else if (a.op === EPOLL_CTL.MOD) {
      if (!interest.has(a.fd)) return fail('ENOENT')
      interest.set(a.fd, {file: target, events: a.events})
    } else if (a.op === EPOLL_CTL.DEL) {
      if (!interest.delete(a.fd)) return fail('ENOENT')
    } else {
      return fail('EINVAL')
    }
    return ok(0)
  },

  *epoll_wait(ctx, a) {
    const ep = fileOf(ctx, a.epfd)
    if (!ep) return fail('EBADF')
    if (!(ep.obj instanceof Epoll) || a.maxEvents <= 0) return fail('EINVAL')
    const epoll = ep.obj
    const check = () => {
      const ready: PollReady[] = []
      const queues: KWaitQueue[] = [epoll.pollQueue]
      for (const [fd, {file, events}] of epoll.interest) {
        // a closed fd drops out of the interest list with its last reference, as in Linux
        if (file.refs === 0) {
          epoll.interest.delete(fd)
          continue
        }
        const revents = (file.obj.poll?.(file) ?? 0) & (events | ALWAYS)
        if (revents && ready.length < a.maxEvents) ready.push({fd, revents})
        if (file.obj.pollQueue) queues.push(file.obj.pollQueue)
      }
      return {ready, queues}
    }
    // epoll's cost is per ready event (the ready list), not per watched fd
    const ready = yield* waitReady(ctx, check, a.timeout, 0)
    yield* ctx.kernel.sched.compute(ctx.thread, perFdCycles(ctx, ready.length), Act.kernel)
    return {ret: ready.length, ready}
  },

  *eventfd(ctx, a) {
    const flags = O.RDWR | ((a.flags ?? 0) & O.NONBLOCK)
    const fd = ctx.process.fds.install(new OpenFile(new EventFd(a.initval), flags, nextDescriptionId(ctx.kernel.sim)))
    return fd < 0 ? fail('EMFILE') : ok(fd)
  },
}
