/**
 * Data sets that exist on disk before a run starts (a database file, a web root): written straight
 * into the VFS of the kernel that owns /storage (the storage domain under VirtuOS, the one kernel
 * natively), contiguous on disk and not in the page cache. Where each file starts is the file
 * layout (layOutFiles): a seeded gap of free space before each new file's first block.
 */
import type {Kernel} from '../kernel/kernel.js'
import type {System} from '../kernel/systems.js'
import type {Rng} from '../sim/rng.js'

/** The stream that places files on the disk (one draw per file, in the order files get blocks). */
export const LAYOUT_STREAM = 'disk-layout'

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

/** Where a data set lies: its first file within `offsetMaxBytes` of the free space, then gaps up to `gapMaxBytes`. */
export interface FileLayout {
  offsetMaxBytes: number
  gapMaxBytes: number
}

/**
 * Files on /storage start after a gap drawn from `rng` (whole pages, uniform) instead of back to
 * back from sector 0: the first file anywhere in [0, offsetMaxBytes] (where the filesystem had room
 * for the data set), each later one after [0, gapMaxBytes] of free space. The layout sets the seek
 * distances: from the head's start to the data, between files (the data file and the redo log).
 */
export function layOutFiles(system: System, rng: Rng, layout: FileLayout): void {
  const vfs = storageKernel(system).vfs
  const page = vfs.cache.pageBytes
  let first = true
  vfs.setFileGap(() => {
    const max = first ? layout.offsetMaxBytes : layout.gapMaxBytes
    first = false
    return rng.int(0, Math.floor(max / page)) * page
  })
}
