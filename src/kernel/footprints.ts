/**
 * Which measured footprint a call uses. FlexSC's table measures some calls alone (stat, pread,
 * pwrite) and some in pairs (open+close, mmap+munmap). A call without its own entry takes:
 * its pair's entry split evenly between the two calls; else the entry of the call doing the same
 * kernel work (read ~ pread, write ~ pwrite, fstat ~ stat); a call whose handler does almost
 * nothing (returns a field of the task or fd, flips a flag) the profile's null footprint; else the
 * profile's default (a call of unknown cost).
 */
import {footprintOf} from '../machine/cost.js'
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import type {SyscallName} from './types.js'

const SAME_WORK: Partial<Record<SyscallName, string>> = {
  read: 'pread',
  readv: 'pread',
  write: 'pwrite',
  writev: 'pwrite',
  fstat: 'stat',
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

function half(fp: SyscallFootprint): SyscallFootprint {
  return {
    instructions: fp.instructions / 2,
    ipc: fp.ipc,
    l1i: fp.l1i / 2,
    l1d: fp.l1d / 2,
    l2: fp.l2 / 2,
    l3: fp.l3 / 2,
    dtlb: fp.dtlb / 2,
  }
}

export function callFootprint(params: MachineParams, name: SyscallName): SyscallFootprint {
  const own = params.syscalls.footprints[name]
  if (own) return own
  const pair = PAIRS[name]
  if (pair && params.syscalls.footprints[pair]) return half(params.syscalls.footprints[pair])
  const trivial = NULL_LIKE.has(name) ? params.syscalls.footprints[NULL_FOOTPRINT] : undefined
  if (trivial) return trivial
  const same = SAME_WORK[name]
  return footprintOf(params, same ?? name)
}
