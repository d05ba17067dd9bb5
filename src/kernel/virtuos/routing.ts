/**
 * Where a call goes (the library's direct dispatch): paths under the storage mount go to the
 * storage domain, sockets of any family but AF_UNIX to the network domain, calls on an fd to the
 * fd's owner; everything else (processes, memory, futexes, pipes, local files, AF_UNIX) stays in
 * the primary kernel as an ordinary trap. Some calls need the library itself (dup2, sendfile
 * across domains, poll/select/epoll, credentials) and are routed as `library`.
 */
import type {SyscallArgs, SyscallName} from '../types.js'
import type {LibDomain, LibFdTable} from './fd-table.js'

export const STORAGE_MOUNT = '/storage'

export type Route = {kind: 'domain'; domain: LibDomain; fd?: number} | {kind: 'badf'} | {kind: 'library'}

/** Calls whose first fd argument (`fd`) decides the domain. */
const FD_CALLS: ReadonlySet<SyscallName> = new Set<SyscallName>([
  'read',
  'write',
  'pread',
  'pwrite',
  'readv',
  'writev',
  'fsync',
  'fdatasync',
  'close',
  'fstat',
  'lseek',
  'dup',
  'fcntl',
  'ioctl',
  'getsockopt',
  'setsockopt',
  'bind',
  'listen',
  'accept',
  'connect',
  'send',
  'recv',
  'sendto',
  'recvfrom',
  'shutdown',
])

const PATH_CALLS: ReadonlySet<SyscallName> = new Set<SyscallName>(['open', 'stat', 'unlink'])

/** Calls the library implements itself on top of the domains' calls. */
const LIBRARY_CALLS: ReadonlySet<SyscallName> = new Set<SyscallName>([
  'dup2',
  'sendfile',
  'poll',
  'select',
  'epoll_create',
  'epoll_ctl',
  'epoll_wait',
  'mmap',
])

export function isStoragePath(path: string): boolean {
  return path === STORAGE_MOUNT || path.startsWith(STORAGE_MOUNT + '/')
}

export function isFdCall(name: SyscallName): boolean {
  return FD_CALLS.has(name)
}

export function route<N extends SyscallName>(name: N, args: SyscallArgs<N>, fds: LibFdTable): Route {
  if (LIBRARY_CALLS.has(name)) return {kind: 'library'}
  if (PATH_CALLS.has(name)) {
    const path = (args as {path: string}).path
    return {kind: 'domain', domain: isStoragePath(path) ? 'storage' : 'primary'}
  }
  if (name === 'socket') {
    return {kind: 'domain', domain: (args as SyscallArgs<'socket'>).domain === 'AF_UNIX' ? 'primary' : 'network'}
  }
  if (FD_CALLS.has(name)) {
    const slot = fds.get((args as {fd: number}).fd)
    return slot && !slot.epoll ? {kind: 'domain', domain: slot.domain, fd: slot.fd} : {kind: 'badf'}
  }
  return {kind: 'domain', domain: 'primary'}
}
