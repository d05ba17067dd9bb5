/** Socket calls. The protocol work is in net/; these only find the socket and check arguments. */
import {nextDescriptionId, OpenFile} from '../file.js'
import {Socket} from '../net/socket.js'
import {fail, ok, O, SHUT, type Fd, type Gen, type SyscallResult} from '../types.js'
import type {CallContext} from './context.js'
import {fileOf} from './file.js'
import type {SyscallTable} from './table.js'

type Found = {socket: Socket; file: OpenFile} | SyscallResult

/** A handler's result without any work (an argument error). */
function* answer(r: SyscallResult): Gen<SyscallResult> {
  return r
}

function socketOf(ctx: CallContext, fd: Fd): Found {
  const file = fileOf(ctx, fd)
  if (!file) return fail('EBADF')
  if (!(file.obj instanceof Socket)) return fail('ENOTSOCK')
  return {socket: file.obj, file}
}

function isErr(f: Found): f is SyscallResult {
  return 'ret' in f
}

export const netHandlers: SyscallTable = {
  *socket(ctx, a) {
    if (a.type !== 'SOCK_STREAM') return fail('EOPNOTSUPP') // datagram sockets are not modelled
    const s = ctx.kernel.net.socket(a.domain)
    const fd = ctx.process.fds.install(new OpenFile(s, O.RDWR, nextDescriptionId(ctx.kernel.sim)))
    if (fd < 0) {
      s.release()
      return fail('EMFILE')
    }
    return ok(fd)
  },

  *bind(ctx, a) {
    const f = socketOf(ctx, a.fd)
    return isErr(f) ? f : ctx.kernel.net.bind(f.socket, a.addr)
  },

  *listen(ctx, a) {
    const f = socketOf(ctx, a.fd)
    return isErr(f) ? f : ctx.kernel.net.listen(f.socket, a.backlog)
  },

  *accept(ctx, a) {
    const f = socketOf(ctx, a.fd)
    if (isErr(f)) return f
    const nonblock = (f.file.flags & O.NONBLOCK) !== 0
    const child = yield* ctx.kernel.net.accept(ctx, f.socket, nonblock)
    if (typeof child === 'string') return fail(child)
    const flags = O.RDWR | ((a.flags ?? 0) & O.NONBLOCK)
    const fd = ctx.process.fds.install(new OpenFile(child, flags, nextDescriptionId(ctx.kernel.sim)))
    if (fd < 0) {
      child.release()
      return fail('EMFILE')
    }
    return {ret: fd, addr: child.remote ?? undefined}
  },

  *connect(ctx, a) {
    const f = socketOf(ctx, a.fd)
    return isErr(f) ? f : yield* ctx.kernel.net.connect(ctx, f.socket, a.addr)
  },

  // send/recv hand back the socket's own generator: no wrapper level on the hottest calls
  send(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (file && file.obj instanceof Socket) return file.obj.send(ctx, file, a.bytes, a.flags)
    return answer(socketOf(ctx, a.fd) as SyscallResult)
  },

  recv(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (file && file.obj instanceof Socket) return file.obj.recv(ctx, file, a.bytes, a.flags)
    return answer(socketOf(ctx, a.fd) as SyscallResult)
  },

  /** On a connected stream socket the address is ignored, as in Linux. */
  *sendto(ctx, a) {
    const f = socketOf(ctx, a.fd)
    return isErr(f) ? f : yield* f.socket.send(ctx, f.file, a.bytes, a.flags)
  },

  *recvfrom(ctx, a) {
    const f = socketOf(ctx, a.fd)
    if (isErr(f)) return f
    const r = yield* f.socket.recv(ctx, f.file, a.bytes, a.flags)
    return r.ret >= 0 ? {...r, addr: f.socket.remote ?? undefined} : r
  },

  *shutdown(ctx, a) {
    const f = socketOf(ctx, a.fd)
    if (isErr(f)) return f
    if (f.socket.state !== 'established') return fail('ENOTCONN')
    if (a.how === SHUT.RD || a.how === SHUT.RDWR) {
      f.socket.shutRd = true
      f.socket.wakeEveryone()
    }
    if (a.how === SHUT.WR || a.how === SHUT.RDWR) yield* f.socket.finish(ctx)
    return ok(0)
  },

  *getsockopt(ctx, a) {
    const f = socketOf(ctx, a.fd)
    if (isErr(f)) return f
    if (a.name === 'SO_SNDBUF') return ok(f.socket.sndBuf)
    if (a.name === 'SO_RCVBUF') return ok(f.socket.rcvBuf)
    if (a.name === 'SO_ERROR') return ok(0)
    return ok(f.socket.options.get(`${a.level}:${a.name}`) ?? 0)
  },

  *setsockopt(ctx, a) {
    const f = socketOf(ctx, a.fd)
    if (isErr(f)) return f
    if (a.value < 0) return fail('EINVAL')
    // Linux doubles the requested buffer size for bookkeeping overhead.
    if (a.name === 'SO_SNDBUF') f.socket.sndBuf = Math.max(4608, 2 * a.value)
    else if (a.name === 'SO_RCVBUF') f.socket.rcvBuf = Math.max(2304, 2 * a.value)
    else f.socket.options.set(`${a.level}:${a.name}`, a.value)
    return ok(0)
  },
}
