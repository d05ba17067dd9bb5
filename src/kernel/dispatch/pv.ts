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
 */
import {pvContextSwitchExtra, pvPhysicalIrqExtra, pvTrapEntry, pvTrapExit} from '../../machine/cost.js'
import type {MachineParams} from '../../machine/params.js'

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
