/**
 * Where a kernel takes the NIC's receive interrupts and runs their softirq work (profile key
 * `kernel.irqPlacement`, the same choice for every system): `core0`, one interrupt core (the
 * kernel's first CPU: a single-queue NIC whose one interrupt line stays on one core, or no
 * irqbalance), or `spread`, each flow's interrupts on a core chosen by hashing the flow over the
 * kernel's CPUs (multi-queue NIC with RSS, irqbalance spreading the queues' vectors). Each kernel
 * applies it over its own CPUs: native and FlexSC over the machine's, VirtuOS over the network
 * domain's vCPUs, the driver-domain design over the driver domain's (netback) and the guest's
 * (netfront) vCPUs.
 */
import type {MachineParams} from '../../machine/params.js'

export type IrqPlacement = MachineParams['kernel']['irqPlacement']

/** A frame on its way to a stack: the flow it belongs to, and what its arrival does there. */
export interface Delivery {
  flow: number
  arrive: () => void
}

/**
 * A connection's flow number, from its connecting end and the port it connects to (both ends keep
 * the connecting end's number, so both directions hash alike). FNV-1a over the 4-tuple's text: a
 * stand-in for the NIC's Toeplitz hash, deterministic, and as uneven over few flows as a real one.
 */
export function flowOf(host: string | undefined, port: number | undefined, toPort: number | undefined): number {
  const text = `${host ?? ''}:${port ?? 0}>${toPort ?? 0}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** The core of `cpus` that takes `flow`'s interrupts under `placement`. */
export function irqCoreOf(placement: IrqPlacement, cpus: readonly number[], flow: number): number {
  return placement === 'spread' ? cpus[flow % cpus.length] : cpus[0]
}

/** Deliveries grouped by the core that takes them, in order of first arrival (each group keeps its order). */
export function byIrqCore<T extends {flow: number}>(
  items: readonly T[],
  coreOf: (flow: number) => number,
): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const core = coreOf(item.flow)
    const group = groups.get(core)
    if (group) group.push(item)
    else groups.set(core, [item])
  }
  return groups
}
