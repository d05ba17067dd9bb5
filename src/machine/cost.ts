/**
 * Pure cost functions: cycles of one operation, from the profile's constants and explicit inputs.
 * The kernel decides when each happens; these only say how long. All results are integer cycles.
 */
import {InvariantError} from '../errors.js'
import type {MachineParams, SyscallFootprint} from './params.js'
import {type CoreId, checkCore, sameSocket} from './topology.js'

export type Cycles = number

function count(name: string, n: number): void {
  if (!Number.isFinite(n) || n < 0) throw new InvariantError(`${name} must be a finite number >= 0, got ${n}`)
}

/** Cycles to retire `instructions` at `ipc` instructions per cycle (ceil: a partial cycle is a cycle). */
export function compute(instructions: number, ipc: number): Cycles {
  count('instructions', instructions)
  if (!(ipc > 0)) throw new InvariantError(`ipc must be > 0, got ${ipc}`)
  return Math.ceil(instructions / ipc)
}

/** The kernel work of one call: its footprint's instructions at its kernel IPC. */
export function kernelWork(params: MachineParams, footprint: SyscallFootprint): Cycles {
  return compute(footprint.instructions, footprint.ipc > 0 ? footprint.ipc : params.cpu.kernelIpc)
}

/** The footprint of a call type, or the profile's default for calls without one. */
export function footprintOf(params: MachineParams, call: string): SyscallFootprint {
  return params.syscalls.footprints[call] ?? params.syscalls.defaultFootprint
}

/** Mode switch user -> kernel of a synchronous system call (FlexSC measured 79 cycles on a Core i7). */
export function trapEntry(params: MachineParams): Cycles {
  return params.cpu.syscallEntry
}

/** Mode switch kernel -> user (FlexSC: 71 cycles). */
export function trapExit(params: MachineParams): Cycles {
  return params.cpu.syscallExit
}

/**
 * A 64-bit PV guest's system call: the `syscall` instruction lands in Xen, which switches to the
 * guest kernel's page table (pvGuestModeSwitch) and bounces into the guest kernel (about one
 * hypercall's trip through Xen). The native entry is still paid (the guest kernel's entry path).
 */
export function pvTrapEntry(params: MachineParams): Cycles {
  return params.cpu.syscallEntry + params.hypervisor.hypercall + params.hypervisor.pvGuestModeSwitch
}

/** The return: the guest kernel's HYPERVISOR_iret hypercall, Xen switches back to the user page table. */
export function pvTrapExit(params: MachineParams): Cycles {
  return params.cpu.syscallExit + params.hypervisor.hypercall + params.hypervisor.pvGuestModeSwitch
}

/**
 * What a PV guest's context switch adds to a native one: the guest cannot load the stack pointer
 * for the kernel, TLS descriptors, FPU state or CR3 itself, so Linux batches them into one
 * multicall (lazy CPU mode) -- one hypercall's trip through Xen.
 */
export function pvContextSwitchExtra(params: MachineParams): Cycles {
  return params.hypervisor.hypercall
}

/**
 * What a physical interrupt costs a PV domain on top of the native handler: it is taken by Xen
 * and forwarded to the domain as an event-channel upcall (pirq), i.e. one virtual interrupt.
 */
export function pvPhysicalIrqExtra(params: MachineParams): Cycles {
  return params.hypervisor.virqDelivery
}

/** A modified cache line moving from `from`'s cache to `to`: free on the same core. */
export function lineTransfer(params: MachineParams, from: CoreId, to: CoreId): Cycles {
  checkCore(params, from)
  checkCore(params, to)
  if (from === to) return 0
  return sameSocket(params, from, to)
    ? params.interconnect.lineTransferSameSocket
    : params.interconnect.lineTransferCrossSocket
}

/**
 * LOCK CMPXCHG by core `to` on a line last written by core `from`. Contended: the line must first
 * move to `to` (one ownership transfer), a lower bound (the
 * coherence protocol's cost of the atomic itself is not added).
 */
export function cas(params: MachineParams, contended: boolean, from: CoreId, to: CoreId): Cycles {
  return params.interconnect.casUncontended + (contended ? lineTransfer(params, from, to) : 0)
}

/** An inter-processor interrupt, send to handler entry on the target core. */
export function ipi(params: MachineParams): Cycles {
  return params.interconnect.ipi
}

/** Switching kernel threads on a core; a different address space adds the CR3 switch and TLB refill. */
export function contextSwitch(params: MachineParams, sameAddressSpace: boolean): Cycles {
  return params.cpu.contextSwitch + (sameAddressSpace ? 0 : params.cpu.addressSpaceSwitch)
}

/** Cycles of `iterations` spin-loop `pause` instructions. */
export function spin(params: MachineParams, iterations: number): Cycles {
  count('iterations', iterations)
  return Math.ceil(iterations) * params.cpu.pause
}

// --- hypervisor ---

export function hypercall(params: MachineParams): Cycles {
  return params.hypervisor.hypercall
}

/** Sender's cost of an event-channel notification. */
export function eventChannelSend(params: MachineParams): Cycles {
  return params.hypervisor.eventChannelSend
}

/** Receiver's cost of the virtual interrupt (upcall) an event-channel notification raises. */
export function virqDelivery(params: MachineParams): Cycles {
  return params.hypervisor.virqDelivery
}

export function grantMap(params: MachineParams, pages: number): Cycles {
  count('pages', pages)
  return Math.ceil(pages) * params.hypervisor.grantMap
}

export function grantUnmap(params: MachineParams, pages: number): Cycles {
  count('pages', pages)
  return Math.ceil(pages) * params.hypervisor.grantUnmap
}

/** GNTTABOP_copy of `pages` 4 KiB pages. */
export function grantCopy(params: MachineParams, pages: number): Cycles {
  count('pages', pages)
  return Math.ceil(pages) * params.hypervisor.grantCopyPerPage
}
