/**
 * Shared vocabulary of the kernel core: domains, ids, errno, system call names, their arguments and
 * results. Every dispatch path (native, virtuos, flexsc, driver-domain) speaks these types, so a
 * workload sees the same C library whatever system runs underneath.
 */
import type {SimCommand} from './engine.js'

/** What a simulated thread yields to the engine (a hold, a wait, ...). Opaque to the kernel. */
export type Command = SimCommand

/** A generator the engine runs: kernel code, handlers and user programs are all of this shape. */
export type Gen<T> = Generator<Command, T, any>

/** Which kernel a thing belongs to. `native` is the single kernel of native Linux. */
export type DomainId = 'native' | 'primary' | 'storage' | 'network'

export type Pid = number
export type Tid = number
export type Fd = number

/** Errors are values, never thrown (a syscall failing is normal program behaviour). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  ESPIPE: 29,
  EPIPE: 32,
  ENOSYS: 38,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  ENETUNREACH: 101,
  ECONNRESET: 104,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EALREADY: 114,
  EINPROGRESS: 115,
} as const
export type Errno = keyof typeof ERRNO

/** open(2) flags (Linux x86 values). */
export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  ACCMODE: 3,
  CREAT: 0o100,
  EXCL: 0o200,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DIRECT: 0o40000,
  CLOEXEC: 0o2000000,
} as const

/** poll(2) event bits. */
export const POLL = {IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20, RDHUP: 0x2000} as const

export const SEEK = {SET: 0, CUR: 1, END: 2} as const
export const EPOLL_CTL = {ADD: 1, DEL: 2, MOD: 3} as const
export const FCNTL = {DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4} as const
export const SHUT = {RD: 0, WR: 1, RDWR: 2} as const
export const FUTEX = {WAIT: 0, WAKE: 1} as const
export const MSG = {DONTWAIT: 0x40, WAITALL: 0x100} as const

export type AddressFamily = 'AF_INET' | 'AF_UNIX'
export type SocketType = 'SOCK_STREAM' | 'SOCK_DGRAM'

/**
 * A socket address. `host` is 'localhost' (loopback), 'server' (this machine's NIC address) or a
 * client host name such as 'client0'; AF_UNIX uses `path`.
 */
export interface SockAddr {
  family: AddressFamily
  host?: string
  port?: number
  path?: string
}

export interface StatInfo {
  ino: number
  size: number
  isDir: boolean
  blocks: number
}

export interface PollFd {
  fd: Fd
  events: number
}

export interface PollReady {
  fd: Fd
  revents: number
}

/** A user program: the body of a process or thread. Its return value is the exit status. */
export type Program = (sys: import('./syscalls/interface.js').SyscallInterface) => Gen<number | void>

/**
 * Arguments of every modelled call. Buffers are sizes in bytes (the model copies sizes, not data);
 * timeouts are simulated cycles, -1 meaning "forever" and 0 "do not block".
 */
export interface SyscallArgMap {
  getpid: Record<string, never>
  getppid: Record<string, never>
  gettid: Record<string, never>
  read: {fd: Fd; bytes: number}
  write: {fd: Fd; bytes: number}
  pread: {fd: Fd; bytes: number; offset: number}
  pwrite: {fd: Fd; bytes: number; offset: number}
  readv: {fd: Fd; iov: number[]}
  writev: {fd: Fd; iov: number[]}
  fsync: {fd: Fd}
  fdatasync: {fd: Fd}
  open: {path: string; flags: number; mode?: number}
  close: {fd: Fd}
  unlink: {path: string}
  stat: {path: string}
  fstat: {fd: Fd}
  lseek: {fd: Fd; offset: number; whence: number}
  dup: {fd: Fd}
  dup2: {oldfd: Fd; newfd: Fd}
  fcntl: {fd: Fd; cmd: number; arg?: number}
  ioctl: {fd: Fd; request: number; arg?: number}
  getsockopt: {fd: Fd; level: string; name: string}
  setsockopt: {fd: Fd; level: string; name: string; value: number}
  socket: {domain: AddressFamily; type: SocketType; protocol?: number}
  bind: {fd: Fd; addr: SockAddr}
  listen: {fd: Fd; backlog: number}
  accept: {fd: Fd; flags?: number}
  connect: {fd: Fd; addr: SockAddr}
  send: {fd: Fd; bytes: number; flags?: number}
  recv: {fd: Fd; bytes: number; flags?: number}
  sendto: {fd: Fd; bytes: number; flags?: number; addr?: SockAddr}
  recvfrom: {fd: Fd; bytes: number; flags?: number}
  sendfile: {outFd: Fd; inFd: Fd; offset?: number; count: number}
  shutdown: {fd: Fd; how: number}
  pipe: Record<string, never>
  poll: {fds: PollFd[]; timeout: number}
  select: {readfds: Fd[]; writefds: Fd[]; timeout: number}
  epoll_create: Record<string, never>
  epoll_ctl: {epfd: Fd; op: number; fd: Fd; events: number}
  epoll_wait: {epfd: Fd; maxEvents: number; timeout: number}
  eventfd: {initval: number; flags?: number}
  futex: {addr: number; op: number; val: number; timeout?: number}
  sched_yield: Record<string, never>
  nanosleep: {cycles: number}
  fork: {child: Program}
  exec: {program: Program}
  exit: {code: number}
  wait4: {pid: Pid}
  mmap: {length: number; prot?: number; flags?: number; fd?: Fd; offset?: number}
  munmap: {addr: number; length: number}
}

export type SyscallName = keyof SyscallArgMap
export type SyscallArgs<N extends SyscallName = SyscallName> = SyscallArgMap[N]

/**
 * The value of every call. `ret` is the C return value (-1 on error, with `errno`). Calls that return
 * structures fill the matching optional field.
 */
export interface SyscallResult {
  ret: number
  errno?: Errno
  stat?: StatInfo
  ready?: PollReady[]
  /** pipe(): [read end, write end]. */
  fds?: [Fd, Fd]
  /** accept()/recvfrom(): the peer. */
  addr?: SockAddr
}

export function ok(ret = 0): SyscallResult {
  return {ret}
}

export function fail(errno: Errno): SyscallResult {
  return {ret: -1, errno}
}
