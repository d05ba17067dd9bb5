/**
 * Which server a call goes to. Files, directories, pipes and AF_UNIX sockets belong to the storage
 * server (as Minix 3's VFS with its file systems and pipe server), AF_INET sockets and epoll
 * instances to the network server (the event loops wait on sockets); everything else (processes,
 * memory, futexes, eventfd, sleeping) stays in the microkernel as an ordinary trap. Calls go
 * straight to their server (one hop), not through a VFS that forwards socket calls as Minix 3's does.
 */
import type {FileObject} from '../file.js'
import type {Socket} from '../net/socket.js'
import type {KProcess} from '../process.js'
import type {SyscallArgs, SyscallName} from '../types.js'
import type {ServerName} from './params.js'

export type Destination = ServerName | 'local'

/** A socket whose network server died: its fd stays taken until closed, every other call is EBADF. */
export class DeadSocket implements FileObject {
  readonly kind = 'socket'
  readonly dead = true
}

export function isDead(obj: FileObject | undefined): boolean {
  return obj instanceof DeadSocket
}

/** The server owning a kernel object (or none: the microkernel's own). */
export function ownerOf(obj: FileObject | undefined): Destination {
  if (!obj) return 'local'
  switch (obj.kind) {
    case 'file':
    case 'tmpfs':
    case 'dir':
    case 'pipe':
      return 'storage'
    case 'socket':
      return isDead(obj) || (obj as Socket).family !== 'AF_UNIX' ? 'network' : 'storage'
    case 'epoll':
      return 'network'
    default:
      return 'local'
  }
}

const PATH_CALLS: ReadonlySet<SyscallName> = new Set<SyscallName>(['open', 'stat', 'unlink'])

/** The fds a call names (empty: it names none). */
export function fdsOf(name: SyscallName, args: unknown): number[] {
  const a = args as Record<string, unknown>
  switch (name) {
    case 'dup2':
      return [a.oldfd as number]
    case 'sendfile':
      return [a.outFd as number]
    case 'poll':
      return (a.fds as {fd: number}[]).map((p) => p.fd)
    case 'select':
      return [...(a.readfds as number[]), ...(a.writefds as number[])]
    case 'epoll_ctl':
    case 'epoll_wait':
      return [a.epfd as number]
    case 'mmap':
      return []
    default:
      return typeof a.fd === 'number' ? [a.fd] : []
  }
}

export function destination<N extends SyscallName>(proc: KProcess, name: N, args: SyscallArgs<N>): Destination {
  if (PATH_CALLS.has(name) || name === 'pipe') return 'storage'
  if (name === 'socket') return (args as SyscallArgs<'socket'>).domain === 'AF_UNIX' ? 'storage' : 'network'
  if (name === 'epoll_create') return 'network'
  const owners = fdsOf(name, args).map((fd) => ownerOf(proc.fds.get(fd)?.obj))
  if (owners.includes('network')) return 'network'
  if (owners.includes('storage')) return 'storage'
  return 'local'
}
