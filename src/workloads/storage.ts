/**
 * Data sets that exist on disk before a run starts (a database file, a web root): written straight
 * into the VFS of the kernel that owns /storage (the storage domain under VirtuOS, the one kernel
 * natively), contiguous on disk and not in the page cache.
 */
import type {Kernel} from '../kernel/kernel.js'
import type {System} from '../kernel/systems.js'

/** The kernel whose VFS holds /storage: a storage domain if the design has one, else the native kernel. */
export function storageKernel(system: System): Kernel {
  // the kernel driving the machine disk: VirtuOS's storage domain, native, or a driver-domain guest
  const k = system.kernels.find((x) => x.ownsDisk)
  if (!k)
    throw new Error(
      `${system.name}: no kernel holds /storage (domains: ${system.kernels.map((x) => x.domain).join(', ')})`,
    )
  return k
}

/** A file of `bytes` already on disk (not cached) at `path`. */
export function preloadFile(system: System, path: string, bytes: number): void {
  storageKernel(system).vfs.preload(path, bytes)
}
