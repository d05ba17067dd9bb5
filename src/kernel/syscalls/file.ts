/** File and fd calls: open/close/read/write and friends, dup, fcntl, lseek, stat, sendfile, pipe. */
import {isRegular, nextDescriptionId, OpenFile} from '../file.js'
import {RegularFile} from '../vfs/vfs.js'
import {fail, ok, FCNTL, O, SEEK, type Fd, type Gen, type SyscallResult} from '../types.js'
import type {CallContext} from './context.js'
import type {SyscallTable} from './table.js'

export function fileOf(ctx: CallContext, fd: Fd): OpenFile | undefined {
  return ctx.process.fds.get(fd)
}

/** Drop one fd's reference to its description; the last one releases the object. */
export function closeFd(ctx: CallContext, fd: Fd): boolean {
  const file = ctx.process.fds.remove(fd)
  if (!file) return false
  dropRef(file)
  return true
}

export function dropRef(file: OpenFile): void {
  if (--file.refs === 0) file.obj.release?.(file)
}

function install(ctx: CallContext, file: OpenFile, min = 0): SyscallResult {
  const fd = ctx.process.fds.install(file, min)
  if (fd < 0) {
    dropRef(file)
    return fail('EMFILE')
  }
  return ok(fd)
}

function* rw(ctx: CallContext, fd: Fd, bytes: number, write: boolean, offset?: number): Gen<SyscallResult> {
  const file = fileOf(ctx, fd)
  if (!file) return fail('EBADF')
  if (offset !== undefined && !isRegular(file.obj.kind)) return fail('ESPIPE')
  const op = write ? file.obj.write : file.obj.read
  if (!op) return fail('EINVAL')
  return yield* op.call(file.obj, ctx, file, bytes, offset)
}

function* vector(ctx: CallContext, fd: Fd, iov: number[], write: boolean): Gen<SyscallResult> {
  let total = 0
  for (const len of iov) {
    const r = yield* rw(ctx, fd, len, write)
    if (r.ret < 0) return total > 0 ? ok(total) : r
    total += r.ret
    if (r.ret < len) break
  }
  return ok(total)
}

export const fileHandlers: SyscallTable = {
  read: (ctx, a) => rw(ctx, a.fd, a.bytes, false),
  write: (ctx, a) => rw(ctx, a.fd, a.bytes, true),
  pread: (ctx, a) => rw(ctx, a.fd, a.bytes, false, a.offset),
  pwrite: (ctx, a) => rw(ctx, a.fd, a.bytes, true, a.offset),
  readv: (ctx, a) => vector(ctx, a.fd, a.iov, false),
  writev: (ctx, a) => vector(ctx, a.fd, a.iov, true),

  *fsync(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    return file.obj.fsync ? yield* file.obj.fsync(ctx, file) : fail('EINVAL')
  },
  *fdatasync(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    return file.obj.fsync ? yield* file.obj.fsync(ctx, file) : fail('EINVAL')
  },

  *open(ctx, a) {
    const vfs = ctx.kernel.vfs
    let inode = vfs.lookup(a.path)
    if (inode && a.flags & O.CREAT && a.flags & O.EXCL) return fail('EEXIST')
    if (!inode) {
      if (!(a.flags & O.CREAT)) return fail('ENOENT')
      inode = vfs.create(a.path)
    }
    if (inode.isDir && (a.flags & O.ACCMODE) !== O.RDONLY) return fail('EISDIR')
    if (a.flags & O.TRUNC && !inode.isDir) {
      inode.size = 0
      inode.blocks.clear()
      vfs.cache.drop(inode.ino)
    }
    return install(ctx, new OpenFile(vfs.open(inode), a.flags, nextDescriptionId(ctx.kernel.sim)))
  },

  *close(ctx, a) {
    return closeFd(ctx, a.fd) ? ok(0) : fail('EBADF')
  },

  *unlink(ctx, a) {
    return ctx.kernel.vfs.unlink(a.path) ? ok(0) : fail('ENOENT')
  },

  *stat(ctx, a) {
    const inode = ctx.kernel.vfs.lookup(a.path)
    if (!inode) return fail('ENOENT')
    return {ret: 0, stat: ctx.kernel.vfs.stat(inode)}
  },

  *fstat(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    const stat = file.obj.stat?.() ?? {ino: file.id, size: 0, isDir: false, blocks: 0}
    return {ret: 0, stat}
  },

  *lseek(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    if (!isRegular(file.obj.kind)) return fail('ESPIPE')
    const size = file.obj.stat?.().size ?? 0
    const base = a.whence === SEEK.SET ? 0 : a.whence === SEEK.CUR ? file.offset : a.whence === SEEK.END ? size : NaN
    if (Number.isNaN(base) || base + a.offset < 0) return fail('EINVAL')
    file.offset = base + a.offset
    return ok(file.offset)
  },

  *dup(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    file.refs++
    return install(ctx, file)
  },

  *dup2(ctx, a) {
    const file = fileOf(ctx, a.oldfd)
    if (!file) return fail('EBADF')
    if (a.newfd < 0 || a.newfd >= ctx.process.fds.limit) return fail('EBADF')
    if (a.oldfd === a.newfd) return ok(a.newfd)
    closeFd(ctx, a.newfd)
    file.refs++
    ctx.process.fds.installAt(a.newfd, file)
    return ok(a.newfd)
  },

  *fcntl(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    switch (a.cmd) {
      case FCNTL.DUPFD:
        file.refs++
        return install(ctx, file, a.arg ?? 0)
      case FCNTL.GETFL:
        return ok(file.flags)
      case FCNTL.SETFL:
        // only the status flags may change (O_APPEND, O_NONBLOCK), as in Linux
        file.flags = (file.flags & ~(O.APPEND | O.NONBLOCK)) | ((a.arg ?? 0) & (O.APPEND | O.NONBLOCK))
        return ok(0)
      case FCNTL.GETFD:
      case FCNTL.SETFD:
        return ok(0)
      default:
        return fail('EINVAL')
    }
  },

  *ioctl(ctx, a) {
    const file = fileOf(ctx, a.fd)
    if (!file) return fail('EBADF')
    // FIONREAD on sockets: bytes ready; everything else is accepted and ignored.
    if (a.request === 0x541b && file.obj.kind === 'socket') {
      const s = file.obj as unknown as {rcvQueued: number}
      return ok(s.rcvQueued)
    }
    return ok(0)
  },

  /** sendfile: page cache -> socket inside the kernel: one copy (into the socket), no user buffer. */
  *sendfile(ctx, a) {
    const input = fileOf(ctx, a.inFd)
    const output = fileOf(ctx, a.outFd)
    if (!input || !output) return fail('EBADF')
    if (!(input.obj instanceof RegularFile) || !output.obj.write) return fail('EINVAL')
    const r = yield* input.obj.read(ctx, input, a.count, a.offset, false)
    if (r.ret <= 0) return r
    return yield* output.obj.write(ctx, output, r.ret)
  },

  *pipe(ctx) {
    const [r, w] = ctx.kernel.net.pair(65_536)
    r.pipe = w.pipe = true
    const rfd = install(ctx, new OpenFile(r, O.RDONLY, nextDescriptionId(ctx.kernel.sim)))
    if (rfd.ret < 0) return rfd
    const wfd = install(ctx, new OpenFile(w, O.WRONLY, nextDescriptionId(ctx.kernel.sim)))
    if (wfd.ret < 0) {
      closeFd(ctx, rfd.ret)
      return wfd
    }
    return {ret: 0, fds: [rfd.ret, wfd.ret]}
  },

  /** mmap is local bookkeeping: an address range; faults are not modelled. */
  *mmap(ctx, a) {
    if (a.length <= 0) return fail('EINVAL')
    if (a.fd !== undefined && a.fd >= 0 && !fileOf(ctx, a.fd)) return fail('EBADF')
    const p = ctx.process
    const addr = p.nextMapAddress
    p.nextMapAddress += Math.ceil(a.length / 4096) * 4096
    p.mappings.set(addr, a.length)
    return ok(addr)
  },

  *munmap(ctx, a) {
    return ctx.process.mappings.delete(a.addr) ? ok(0) : fail('EINVAL')
  },
}
