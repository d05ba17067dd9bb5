/**
 * The system call table, as in xv6's syscall.c: name -> handler. Each group of handlers lives in
 * its own module; this file only puts them together. The same table serves every dispatch path.
 */
import type {SyscallName} from '../types.js'
import type {Handler} from './context.js'
import {fileHandlers} from './file.js'
import {netHandlers} from './net.js'
import {pollHandlers} from './poll.js'
import {procHandlers} from './proc.js'

export type SyscallTable = {[N in SyscallName]?: Handler<N>}

export function buildSyscallTable(): SyscallTable {
  return {
    ...procHandlers,
    ...fileHandlers,
    ...netHandlers,
    ...pollHandlers,
  }
}
