/**
 * The C library as a workload sees it. Every dispatch path implements `call` (and thread/compute
 * plumbing); the typed helpers are written once here on top of `call`.
 */
import type {
  AddressFamily,
  Fd,
  Gen,
  PollFd,
  Program,
  SockAddr,
  SocketType,
  SyscallArgs,
  SyscallName,
  SyscallResult,
} from '../types.js'

export interface SyscallInterface {
  readonly pid: number
  readonly tid: number
  /** Simulated time now (cycles), for workloads that measure latency. */
  now(): number
  /** User-mode work: `instructions` at `ipc` (default: the profile's user IPC), slowed by indirect cost. */
  compute(instructions: number, ipc?: number): Gen<void>
  /** Issue one system call. Never throws for syscall errors: they come back in the result. */
  call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult>
  /** Start another thread of this process running `body`; returns its tid. */
  spawnThread(body: Program, name?: string): Gen<number>
  /** Wait until thread `tid` of this process has finished; returns its exit value. */
  joinThread(tid: number): Gen<number>

  getpid(): Gen<SyscallResult>
  getppid(): Gen<SyscallResult>
  read(fd: Fd, bytes: number): Gen<SyscallResult>
  write(fd: Fd, bytes: number): Gen<SyscallResult>
  pread(fd: Fd, bytes: number, offset: number): Gen<SyscallResult>
  pwrite(fd: Fd, bytes: number, offset: number): Gen<SyscallResult>
  readv(fd: Fd, iov: number[]): Gen<SyscallResult>
  writev(fd: Fd, iov: number[]): Gen<SyscallResult>
  fsync(fd: Fd): Gen<SyscallResult>
  open(path: string, flags: number, mode?: number): Gen<SyscallResult>
  close(fd: Fd): Gen<SyscallResult>
  unlink(path: string): Gen<SyscallResult>
  stat(path: string): Gen<SyscallResult>
  fstat(fd: Fd): Gen<SyscallResult>
  lseek(fd: Fd, offset: number, whence: number): Gen<SyscallResult>
  dup(fd: Fd): Gen<SyscallResult>
  dup2(oldfd: Fd, newfd: Fd): Gen<SyscallResult>
  fcntl(fd: Fd, cmd: number, arg?: number): Gen<SyscallResult>
  ioctl(fd: Fd, request: number, arg?: number): Gen<SyscallResult>
  socket(domain: AddressFamily, type: SocketType): Gen<SyscallResult>
  bind(fd: Fd, addr: SockAddr): Gen<SyscallResult>
  listen(fd: Fd, backlog: number): Gen<SyscallResult>
  accept(fd: Fd): Gen<SyscallResult>
  connect(fd: Fd, addr: SockAddr): Gen<SyscallResult>
  send(fd: Fd, bytes: number, flags?: number): Gen<SyscallResult>
  recv(fd: Fd, bytes: number, flags?: number): Gen<SyscallResult>
  sendfile(outFd: Fd, inFd: Fd, count: number, offset?: number): Gen<SyscallResult>
  shutdown(fd: Fd, how: number): Gen<SyscallResult>
  poll(fds: PollFd[], timeout: number): Gen<SyscallResult>
  select(readfds: Fd[], writefds: Fd[], timeout: number): Gen<SyscallResult>
  epollCreate(): Gen<SyscallResult>
  epollCtl(epfd: Fd, op: number, fd: Fd, events: number): Gen<SyscallResult>
  epollWait(epfd: Fd, maxEvents: number, timeout: number): Gen<SyscallResult>
  eventfd(initval: number, flags?: number): Gen<SyscallResult>
  futexWait(addr: number, val: number, timeout?: number): Gen<SyscallResult>
  futexWake(addr: number, count: number): Gen<SyscallResult>
  schedYield(): Gen<SyscallResult>
  sleep(cycles: number): Gen<SyscallResult>
  fork(child: Program): Gen<SyscallResult>
  exec(program: Program): Gen<SyscallResult>
  exit(code: number): Gen<SyscallResult>
  wait(pid: number): Gen<SyscallResult>
  mmap(length: number, fd?: Fd, offset?: number): Gen<SyscallResult>
  munmap(addr: number, length: number): Gen<SyscallResult>
}

/** The typed helpers, once, over an abstract `call`. Dispatch paths extend this. */
export abstract class LibC implements SyscallInterface {
  abstract readonly pid: number
  abstract readonly tid: number
  abstract now(): number
  abstract compute(instructions: number, ipc?: number): Gen<void>
  abstract call<N extends SyscallName>(name: N, args: SyscallArgs<N>): Gen<SyscallResult>
  abstract spawnThread(body: Program, name?: string): Gen<number>
  abstract joinThread(tid: number): Gen<number>

  getpid() {
    return this.call('getpid', {})
  }
  getppid() {
    return this.call('getppid', {})
  }
  read(fd: Fd, bytes: number) {
    return this.call('read', {fd, bytes})
  }
  write(fd: Fd, bytes: number) {
    return this.call('write', {fd, bytes})
  }
  pread(fd: Fd, bytes: number, offset: number) {
    return this.call('pread', {fd, bytes, offset})
  }
  pwrite(fd: Fd, bytes: number, offset: number) {
    return this.call('pwrite', {fd, bytes, offset})
  }
  readv(fd: Fd, iov: number[]) {
    return this.call('readv', {fd, iov})
  }
  writev(fd: Fd, iov: number[]) {
    return this.call('writev', {fd, iov})
  }
  fsync(fd: Fd) {
    return this.call('fsync', {fd})
  }
  open(path: string, flags: number, mode?: number) {
    return this.call('open', {path, flags, mode})
  }
  close(fd: Fd) {
    return this.call('close', {fd})
  }
  unlink(path: string) {
    return this.call('unlink', {path})
  }
  stat(path: string) {
    return this.call('stat', {path})
  }
  fstat(fd: Fd) {
    return this.call('fstat', {fd})
  }
  lseek(fd: Fd, offset: number, whence: number) {
    return this.call('lseek', {fd, offset, whence})
  }
  dup(fd: Fd) {
    return this.call('dup', {fd})
  }
  dup2(oldfd: Fd, newfd: Fd) {
    return this.call('dup2', {oldfd, newfd})
  }
  fcntl(fd: Fd, cmd: number, arg?: number) {
    return this.call('fcntl', {fd, cmd, arg})
  }
  ioctl(fd: Fd, request: number, arg?: number) {
    return this.call('ioctl', {fd, request, arg})
  }
  socket(domain: AddressFamily, type: SocketType) {
    return this.call('socket', {domain, type})
  }
  bind(fd: Fd, addr: SockAddr) {
    return this.call('bind', {fd, addr})
  }
  listen(fd: Fd, backlog: number) {
    return this.call('listen', {fd, backlog})
  }
  accept(fd: Fd) {
    return this.call('accept', {fd})
  }
  connect(fd: Fd, addr: SockAddr) {
    return this.call('connect', {fd, addr})
  }
  send(fd: Fd, bytes: number, flags?: number) {
    return this.call('send', {fd, bytes, flags})
  }
  recv(fd: Fd, bytes: number, flags?: number) {
    return this.call('recv', {fd, bytes, flags})
  }
  sendfile(outFd: Fd, inFd: Fd, count: number, offset?: number) {
    return this.call('sendfile', {outFd, inFd, count, offset})
  }
  shutdown(fd: Fd, how: number) {
    return this.call('shutdown', {fd, how})
  }
  poll(fds: PollFd[], timeout: number) {
    return this.call('poll', {fds, timeout})
  }
  select(readfds: Fd[], writefds: Fd[], timeout: number) {
    return this.call('select', {readfds, writefds, timeout})
  }
  epollCreate() {
    return this.call('epoll_create', {})
  }
  epollCtl(epfd: Fd, op: number, fd: Fd, events: number) {
    return this.call('epoll_ctl', {epfd, op, fd, events})
  }
  epollWait(epfd: Fd, maxEvents: number, timeout: number) {
    return this.call('epoll_wait', {epfd, maxEvents, timeout})
  }
  eventfd(initval: number, flags?: number) {
    return this.call('eventfd', {initval, flags})
  }
  futexWait(addr: number, val: number, timeout?: number) {
    return this.call('futex', {addr, op: 0, val, timeout})
  }
  futexWake(addr: number, count: number) {
    return this.call('futex', {addr, op: 1, val: count})
  }
  schedYield() {
    return this.call('sched_yield', {})
  }
  sleep(cycles: number) {
    return this.call('nanosleep', {cycles})
  }
  fork(child: Program) {
    return this.call('fork', {child})
  }
  exec(program: Program) {
    return this.call('exec', {program})
  }
  exit(code: number) {
    return this.call('exit', {code})
  }
  wait(pid: number) {
    return this.call('wait4', {pid})
  }
  mmap(length: number, fd?: Fd, offset?: number) {
    return this.call('mmap', {length, fd, offset})
  }
  munmap(addr: number, length: number) {
    return this.call('munmap', {addr, length})
  }
}
