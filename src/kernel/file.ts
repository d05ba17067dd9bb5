/**
 * Open files: the kernel object behind an fd (a regular file, socket, pipe, eventfd, epoll instance)
 * and the open-file description that dup()ed fds share (offset, status flags), as in Linux.
 */
import type {CallContext} from './syscalls/context.js'
import type {Gen, StatInfo, SyscallResult} from './types.js'
import type {KWaitQueue} from './waitqueue.js'

/** `file` a disk file's, `tmpfs` a tmpfs (shmem) file's: both regular files (vfs/vfs.ts). */
export type FileKind = 'file' | 'tmpfs' | 'dir' | 'socket' | 'pipe' | 'eventfd' | 'epoll'

/** A regular file of any file system: seekable, pread/pwrite apply. */
export function isRegular(kind: FileKind): boolean {
  return kind === 'file' || kind === 'tmpfs'
}

/** file_operations: what a kind of file can do. Missing operations answer EINVAL/ESPIPE. */
export interface FileObject {
  readonly kind: FileKind
  read?(ctx: CallContext, file: OpenFile, bytes: number, offset?: number): Gen<SyscallResult>
  write?(ctx: CallContext, file: OpenFile, bytes: number, offset?: number): Gen<SyscallResult>
  fsync?(ctx: CallContext, file: OpenFile): Gen<SyscallResult>
  /** Readiness now, as POLL bits. */
  poll?(file: OpenFile): number
  /** Woken whenever readiness may have changed (poll/epoll/select sleep on it). */
  readonly pollQueue?: KWaitQueue
  stat?(): StatInfo
  /** The last fd referring to the description was closed. */
  release?(file: OpenFile): void
}

/** Description counters by run (keyed by the run's engine), so every run numbers its files alike. */
const descriptionIds = new WeakMap<object, {next: number}>()

/** The next open-file description id of the run driven by `engine` (1, 2, ...). */
export function nextDescriptionId(engine: object): number {
  let ids = descriptionIds.get(engine)
  if (!ids) descriptionIds.set(engine, (ids = {next: 1}))
  return ids.next++
}

/** An open-file description: shared by dup()/fork() copies of an fd. */
export class OpenFile {
  offset = 0
  refs = 1
  /** `id` from nextDescriptionId (fstat's inode number for files without one). */
  constructor(
    readonly obj: FileObject,
    public flags: number,
    readonly id: number,
  ) {}
}
