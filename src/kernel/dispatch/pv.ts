/**
 * A paravirtualised (Xen PV, 64-bit) Linux kernel: the same kernel code as native, but its CPU
 * costs are a PV guest's. One mechanism for every PV domain of every design: the driver-domain
 * guest and driver domain, and VirtuOS's primary (dom0 in the prototype, Xen 4.2 / Linux 3.2.30)
 * and service domains. Their kernels are built with `paravirtualized(params)`, so every cost that
 * reads the kernel's params pays the PV price:
 * - a system call enters and leaves through Xen (pvTrapEntry/pvTrapExit: a bounce each way and a
 *   page-table switch each way, kernel and user having separate page tables on x86-64);
 * - a context switch adds the multicall that loads the kernel stack, TLS, FPU state and CR3;
 * - a physical interrupt (a passed-through NIC or disk controller) arrives as an event-channel
 *   upcall through Xen.
 * Event-channel upcalls from other domains are charged where they happen (virqDelivery).
 * Native stays native: nothing here is used by the native or FlexSC paths.
 *
 * Hypervisor mode: the cycles a PV domain spends in Xen (its traps' bounce and mode switch, the
 * hypercalls, event-channel sends and upcalls, grant operations) are counted (countInXen) as mode
 * `hypervisor` of that domain on the core that spent them, with instructions at the profile's
 * `hypervisor.ipc`; the profile gives no miss figure for Xen's paths, so they count no misses.
 */
import {pvContextSwitchExtra, pvPhysicalIrqExtra, pvTrapEntry, pvTrapExit} from '../../machine/cost.js'
import type {MachineParams} from '../../machine/params.js'
import type {Scheduler} from '../scheduler.js'

const derived = new WeakMap<MachineParams, MachineParams>()
const PV = new WeakSet<MachineParams>()

/** The machine costs as a 64-bit PV guest kernel sees them (same object for the same params). */
export function paravirtualized(params: MachineParams): MachineParams {
  if (PV.has(params)) return params
  let pv = derived.get(params)
  if (!pv) {
    pv = {
      ...params,
      cpu: {
        ...params.cpu,
        syscallEntry: pvTrapEntry(params),
        syscallExit: pvTrapExit(params),
        contextSwitch: params.cpu.contextSwitch + pvContextSwitchExtra(params),
      },
      nic: {...params.nic, interrupt: params.nic.interrupt + pvPhysicalIrqExtra(params)},
      disk: {...params.disk, interrupt: params.disk.interrupt + pvPhysicalIrqExtra(params)},
    }
    derived.set(params, pv)
    PV.add(pv)
  }
  return pv
}

/** Whether `params` are a PV kernel's (built by `paravirtualized`). */
export function isParavirtualized(params: MachineParams): boolean {
  return PV.has(params)
}

/** Cycles a PV guest's trap spends in Xen, one way (the bounce and the mode switch); 0 for native. */
export function xenTrapShare(params: MachineParams): number {
  return isParavirtualized(params) ? params.hypervisor.hypercall + params.hypervisor.pvGuestModeSwitch : 0
}

/** Xen's share of a PV domain's physical interrupt (the pirq upcall); 0 for native. */
export function xenIrqShare(params: MachineParams): number {
  return isParavirtualized(params) ? pvPhysicalIrqExtra(params) : 0
}

/** Xen's share of a PV domain's context switch (the multicall); 0 for native. */
export function xenSwitchShare(params: MachineParams): number {
  return isParavirtualized(params) ? pvContextSwitchExtra(params) : 0
}

/** What countInXen needs of a domain: its scheduler (params, domain, cores, machine). */
type DomainSched = Pick<Scheduler, 'params' | 'domain' | 'machine' | 'machineCore'>

/**
 * Count `cycles` spent in Xen on behalf of the domain of `sched` on its cpu `cpu` as hypervisor
 * mode (nothing for a native kernel, a client host's core or no cycles). Returns `cycles`, so a
 * spend site can wrap the cost it charges.
 */
export function countInXen(sched: DomainSched, cpu: number | null | undefined, cycles: number): number {
  if (!(cycles > 0) || cpu === null || cpu === undefined || !isParavirtualized(sched.params)) return cycles
  const core = sched.machineCore(cpu)
  if (core) {
    const instructions = Math.round(cycles * sched.params.hypervisor.ipc)
    sched.machine?.counters.add(core.id, 'hypervisor', sched.domain, cycles, instructions)
  }
  return cycles
}
