/**
 * Which measured footprint a call uses: by the work it does, i.e. the call AND the kind of object
 * its fd names (`workOf`), not by the libc entry point. read/write on a socket are recv/send's work,
 * on a regular file pread/pwrite's, on a pipe pipe_read/pipe_write (pipe_read/pipe_write: a mutex,
 * the pipe's buffer ring and a wake-up of the other end, no page cache); eventfd and epoll reads are
 * null-like. Any read or write on a tmpfs file is tmpfs_read/tmpfs_write work
 * (shmem_file_read_iter/generic_perform_write over shmem pages: no block mapping, no journal). The
 * profiles give those four rows as shares of the pread/pwrite rows (config/resolve.ts); params built
 * without them (tests) fall back to pread/pwrite for tmpfs and to the default for pipes.
 * FlexSC's table measures some calls alone (stat, pread, pwrite) and some in pairs (open+close,
 * mmap+munmap). A call without its own entry takes: its pair's entry split
 * evenly between the two calls; fstat the profile's share of stat (no path walk); else the entry of
 * the call doing the same kernel work (recvfrom ~ recv, sendto ~ send, readv ~ read); a call whose
 * handler does almost nothing (returns a field of the task or fd, flips a flag) the profile's null
 * footprint; else the profile's default (a call of unknown cost).
 */
import {footprintOf} from '../machine/cost.js'
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import type {FileKind} from './file.js'
import type {SyscallName} from './types.js'

/** The object a call works on: the kind of file its fd names, or none (no fd, or a bad one). */
export type ObjectKind = FileKind | 'none'

/** The work of a read or write on a tmpfs file (a profile row of its own, else pread/pwrite's). */
export const TMPFS_READ = 'tmpfs_read'
export const TMPFS_WRITE = 'tmpfs_write'
/** The work of a read or write on a pipe (a profile row of its own, else the default). */
export const PIPE_READ = 'pipe_read'
export const PIPE_WRITE = 'pipe_write'

/** The work of an fd call by object kind, where it differs from the call's name. */
const WORK_BY_KIND: Partial<Record<SyscallName, Partial<Record<ObjectKind, string>>>> = {
  read: {
    file: 'pread',
    tmpfs: TMPFS_READ,
    dir: 'pread',
    socket: 'recv',
    pipe: PIPE_READ,
    eventfd: 'null',
    epoll: 'null',
  },
  readv: {file: 'pread', tmpfs: TMPFS_READ, dir: 'pread', socket: 'recv', pipe: PIPE_READ},
  pread: {tmpfs: TMPFS_READ},
  write: {file: 'pwrite', tmpfs: TMPFS_WRITE, socket: 'send', pipe: PIPE_WRITE, eventfd: 'null'},
  writev: {file: 'pwrite', tmpfs: TMPFS_WRITE, socket: 'send', pipe: PIPE_WRITE},
  pwrite: {tmpfs: TMPFS_WRITE},
}

/** The footprint key of a call on an object of `kind`: the work it does. */
export function workOf(name: SyscallName, kind: ObjectKind): string {
  return WORK_BY_KIND[name]?.[kind] ?? name
}

const SAME_WORK: Partial<Record<string, string>> = {
  recvfrom: 'recv',
  sendto: 'send',
  readv: 'read',
  writev: 'write',
  [TMPFS_READ]: 'pread',
  [TMPFS_WRITE]: 'pwrite',
  [PIPE_READ]: 'pipe',
  [PIPE_WRITE]: 'pipe',
}

const PAIRS: Partial<Record<SyscallName, string>> = {
  open: 'open+close',
  close: 'open+close',
  mmap: 'mmap+munmap',
  munmap: 'mmap+munmap',
}

/** Key of the profile's null footprint in params.syscalls.footprints (src/config/resolve.ts). */
export const NULL_FOOTPRINT = 'null'

/**
 * Trivial handlers: ids of the task (getpid, getppid, gettid), an fd's flags or offset (fcntl, as
 * F_GETFL/F_SETFL; lseek), a socket option flag (getsockopt/setsockopt), FIONREAD (the only ioctl
 * modelled). fcntl(F_DUPFD) is dearer but rare; footprints are per call name.
 */
export const NULL_LIKE: ReadonlySet<SyscallName> = new Set<SyscallName>([
  'getpid',
  'getppid',
  'gettid',
  'fcntl',
  'lseek',
  'getsockopt',
  'setsockopt',
  'ioctl',
])

/** A share of a row: its work and every level's lines scaled alike, at the row's IPC. */
function scaled(fp: SyscallFootprint, share: number): SyscallFootprint {
  return {
    instructions: fp.instructions * share,
    ipc: fp.ipc,
    l1i: fp.l1i * share,
    l1d: fp.l1d * share,
    l2: fp.l2 * share,
    l3: fp.l3 * share,
    dtlb: fp.dtlb * share,
  }
}

/** The footprint of a work key (a call name, or what workOf made of it). */
export function callFootprint(params: MachineParams, work: string): SyscallFootprint {
  const fps = params.syscalls.footprints
  const own = fps[work]
  if (own) return own
  const pair = PAIRS[work as SyscallName]
  if (pair && fps[pair]) return scaled(fps[pair], 0.5)
  if (work === 'fstat' && fps.stat) return scaled(fps.stat, params.syscalls.fstatShare)
  const trivial = work === NULL_FOOTPRINT || NULL_LIKE.has(work as SyscallName) ? fps[NULL_FOOTPRINT] : undefined
  if (trivial) return trivial
  const same = SAME_WORK[work]
  return same ? callFootprint(params, same) : footprintOf(params, work)
}
