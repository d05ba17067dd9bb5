/**
 * What a handler runs with, whatever path dispatched it: the kernel (domain) serving the call, the
 * kernel thread executing it (the caller itself on a native trap; a service-domain worker under
 * VirtuOS) and the process whose fd table and credentials apply (the caller's, or the worker
 * group's mirror of it).
 */
import type {SyscallFootprint} from '../../machine/params.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {Gen, SyscallArgs, SyscallName, SyscallResult} from '../types.js'

export interface CallContext {
  readonly kernel: Kernel
  readonly thread: KThread
  readonly process: KProcess
  /** The call being served (for footprints and counters). */
  readonly name: SyscallName
}

/** A table entry: spends cycles, copies, blocks; returns the result (errors as values). */
export type Handler<N extends SyscallName = SyscallName> = (
  ctx: CallContext,
  args: SyscallArgs<N>,
) => Gen<SyscallResult>

/** The profile's footprint for a call, or the default one. */
export type FootprintOf = (name: SyscallName) => SyscallFootprint
