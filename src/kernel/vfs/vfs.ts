/**
 * A flat VFS: paths name inodes (directories are implied by prefixes). Regular files keep their
 * data in the page cache over the block layer; each page gets a disk block on first write (a bump
 * allocator, so files written sequentially are contiguous on disk). A new file's first block lands
 * after a gap (`fileGap`, 0 unless the workload lays files out from a seeded stream): the free space
 * a real filesystem leaves between files of one data set (block groups, earlier files, fragments).
 *
 * Files under a tmpfs mount (TMPFS_MOUNTS) are shmem files, as Linux's tmpfs
 * (Documentation/filesystems/tmpfs.txt, https://www.kernel.org/doc/Documentation/filesystems/tmpfs.txt:
 * "everything in tmpfs is temporary in the sense that no files will be created on your hard drive"):
 * their pages live only in the page cache, pinned (no swap is modelled); they have no disk blocks,
 * so reads never wait for the disk (a hole reads as zeros), writes leave nothing for writeback
 * (the shmem mapping has no dirty accounting nor writeback, so no dirty throttling either) and
 * fsync returns at once (shmem's noop_fsync).
 */
import {spawn} from '../engine.js'
import type {CallContext} from '../syscalls/context.js'
import type {OpenFile, FileObject} from '../file.js'
import {fail, ok, O, POLL, type Gen, type StatInfo, type SyscallResult} from '../types.js'
import type {BlockLayer} from './block.js'
import {writeback, type CachedPage, type PageCache} from './pagecache.js'
import {Act} from '../ledger.js'

/**
 * Disk byte offsets by page index (absent: a hole, reads as zeros): a contiguous extent from page 0
 * (a preloaded file, O(1) instead of a Map entry per page) plus single pages.
 */
export class BlockMap {
  private readonly single = new Map<number, number>()
  private extentPages = 0
  private extentBase = 0
  private extentPageBytes = 0

  get size(): number {
    return this.extentPages + this.single.size
  }

  get(index: number): number | undefined {
    if (index >= 0 && index < this.extentPages) return this.extentBase + index * this.extentPageBytes
    return this.single.get(index)
  }

  set(index: number, offset: number): void {
    if (index >= 0 && index < this.extentPages) throw new Error(`block ${index} is in the preloaded extent`)
    this.single.set(index, offset)
  }

  /** Pages [0, pages) at base, base + pageBytes, ...; only on an empty map. */
  setExtent(pages: number, base: number, pageBytes: number): void {
    if (this.size !== 0) throw new Error('an extent is only laid on an empty block map')
    this.extentPages = pages
    this.extentBase = base
    this.extentPageBytes = pageBytes
  }

  clear(): void {
    this.single.clear()
    this.extentPages = 0
  }
}

/**
 * Where tmpfs is mounted in every kernel: /dev/shm, as Linux distributions mount it, and
 * /storage/tmpfs, a tmpfs under the storage mount, so that in VirtuOS its files live in the storage
 * domain's kernel (the paper's copying plot moves a 16 MiB file on tmpfs in the storage domain).
 */
export const STORAGE_TMPFS = '/storage/tmpfs'
export const TMPFS_MOUNTS: readonly string[] = ['/dev/shm', STORAGE_TMPFS]

/** Whether `path` is under one of `mounts` (the mount point itself is its root directory). */
export function underMount(path: string, mounts: readonly string[]): boolean {
  return mounts.some((m) => path === m || path.startsWith(m + '/'))
}

export class Inode {
  size = 0
  /** Disk byte offset of each page, by page index (absent: a hole, reads as zeros). */
  readonly blocks = new BlockMap()
  /** Where the last read ended: a read starting there is sequential (readahead). */
  readEnd = -1
  /** Last page of the current readahead window. */
  raEnd = -1
  nlink = 1
  constructor(
    readonly ino: number,
    readonly path: string,
    readonly isDir = false,
    /** A tmpfs file: its pages are pinned in the page cache, it has no disk blocks. */
    readonly shmem = false,
  ) {}
}

export interface VfsHooks {
  /**
   * Cycles to copy `bytes` between the page cache and a user buffer on the calling thread's core;
   * `pages` are the page-cache pages the copy touches (their recency decides cache warmth).
   */
  copyCycles(ctx: CallContext, bytes: number, pages: CachedPage[]): number
  /** Called when pages turn dirty, so the flusher can be armed. */
  onDirty(): void
}

export class Vfs {
  private readonly byPath = new Map<string, Inode>()
  private nextIno = 2
  private nextDiskOffset = 0
  private backgroundFlush = false
  /** The file layout (setFileGap); default: none, files back to back. */
  private fileGap: (path: string) => number = () => 0
  /** Dirty-page thresholds in pages (set by the kernel from dirty_background_ratio / dirty_ratio). */
  thresholds = {dirtyBackgroundPages: Infinity, dirtyLimitPages: Infinity}
  constructor(
    readonly cache: PageCache,
    readonly block: BlockLayer,
    readonly readaheadPages: number,
    readonly hooks: VfsHooks,
  ) {}

  lookup(path: string): Inode | undefined {
    const inode = this.byPath.get(path)
    if (inode) return inode
    const prefix = path.endsWith('/') ? path : path + '/'
    for (const p of this.byPath.keys()) if (p.startsWith(prefix)) return this.mkdirImplicit(path)
    return undefined
  }

  create(path: string): Inode {
    const inode = new Inode(this.nextIno++, path, false, underMount(path, TMPFS_MOUNTS))
    this.byPath.set(path, inode)
    this.byIno.set(inode.ino, inode)
    return inode
  }
  private readonly byIno = new Map<number, Inode>()

  unlink(path: string): boolean {
    const inode = this.byPath.get(path)
    if (!inode) return false
    this.byPath.delete(path)
    this.byIno.delete(inode.ino)
    this.cache.drop(inode.ino)
    return true
  }

  /**
   * A file that already exists on disk (written before the run, not cached): contiguous blocks.
   * Workloads use it to prepare data sets. On tmpfs the file exists only in memory: its pages.
   */
  preload(path: string, size: number): Inode {
    const inode = this.byPath.get(path) ?? this.create(path)
    const pages = Math.ceil(size / this.cache.pageBytes)
    if (inode.shmem) {
      for (let i = 0; i < pages; i++) if (!this.cache.peek(inode.ino, i)) this.cache.insert(inode.ino, i, false, true)
    } else if (inode.blocks.size === 0 && pages > 0) {
      // the same offsets as allocating pages 0..pages-1 in order, as one extent
      this.skipGap(inode)
      inode.blocks.setExtent(pages, this.nextDiskOffset, this.cache.pageBytes)
      this.nextDiskOffset += pages * this.cache.pageBytes
    } else {
      for (let i = 0; i < pages; i++) this.allocate(inode, i)
    }
    inode.size = size
    return inode
  }

  stat(inode: Inode): StatInfo {
    const pages = inode.shmem ? this.shmemPages(inode).length : inode.blocks.size
    return {ino: inode.ino, size: inode.size, isDir: inode.isDir, blocks: pages * (this.cache.pageBytes / 512)}
  }

  /** A tmpfs file's pages in memory (its holes have none). */
  shmemPages(inode: Inode): CachedPage[] {
    const out: CachedPage[] = []
    const pages = Math.ceil(inode.size / this.cache.pageBytes)
    for (let i = 0; i < pages; i++) {
      const page = this.cache.peek(inode.ino, i)
      if (page) out.push(page)
    }
    return out
  }

  /**
   * `gap(path)`: bytes the allocator skips before a new file's first block (rounded down to whole
   * pages), asked once per file in the order files get their first block.
   */
  setFileGap(gap: (path: string) => number): void {
    this.fileGap = gap
  }

  /** Where the next block goes (bytes into the disk). */
  get allocationOffset(): number {
    return this.nextDiskOffset
  }

  private skipGap(inode: Inode): void {
    const gap = this.fileGap(inode.path)
    if (!Number.isSafeInteger(gap) || gap < 0)
      throw new Error(`vfs: file gap ${gap} for ${inode.path}: expected bytes >= 0`)
    this.nextDiskOffset += gap - (gap % this.cache.pageBytes)
  }

  /** The FileObject for an opened regular file. */
  open(inode: Inode): FileObject {
    return new RegularFile(this, inode)
  }

  allocate(inode: Inode, index: number): number {
    let off = inode.blocks.get(index)
    if (off === undefined) {
      if (inode.blocks.size === 0) this.skipGap(inode)
      off = this.nextDiskOffset
      this.nextDiskOffset += this.cache.pageBytes
      inode.blocks.set(index, off)
    }
    return off
  }

  /**
   * Make pages [first, last] uptodate, blocking the caller on misses. Sequential access reads a
   * whole readahead window on a miss, and once the reader is half way through the window starts
   * reading the next one in the background (as Linux's async readahead does).
   */
  *fill(ctx: CallContext, inode: Inode, first: number, last: number, sequential: boolean): Gen<void> {
    const cache = this.cache
    const lastPage = Math.max(0, Math.ceil(inode.size / cache.pageBytes) - 1)
    const window = this.readaheadPages
    const missing: CachedPage[] = []
    const inFlight: CachedPage[] = []
    let syncEnd = last
    for (let i = first; i <= last; i++) {
      if (!cache.lookup(inode.ino, i) && sequential) {
        syncEnd = Math.min(lastPage, Math.max(last, first + window - 1))
        inode.raEnd = syncEnd
        break
      }
    }
    for (let i = first; i <= syncEnd; i++) {
      const page = cache.lookup(inode.ino, i)
      if (page) {
        if (i <= last) {
          cache.stats.hits++
          if (page.reading) inFlight.push(page)
        }
        continue
      }
      if (i > last) cache.stats.readaheadPages++
      else cache.stats.misses++
      missing.push(cache.insert(inode.ino, i, true))
    }
    if (sequential && inode.raEnd < lastPage && last >= inode.raEnd - Math.floor(window / 2)) {
      const ahead: CachedPage[] = []
      const end = Math.min(lastPage, inode.raEnd + window)
      for (let i = inode.raEnd + 1; i <= end; i++) {
        if (cache.lookup(inode.ino, i)) continue
        cache.stats.readaheadPages++
        ahead.push(cache.insert(inode.ino, i, true))
      }
      inode.raEnd = end
      if (ahead.length > 0) spawn(ctx.kernel.sim, this.readRuns(inode, ahead), 'readahead')
    }
    if (missing.length > 0) yield* ctx.kernel.sched.block(ctx.thread, this.readRuns(inode, missing))
    for (const page of inFlight) while (page.reading) yield* page.wq.sleep(ctx.kernel.sched, ctx.thread, -1, false)
  }

  /** Disk reads for runs of consecutive blocks; holes need no I/O. */
  private *readRuns(inode: Inode, pages: CachedPage[]): Gen<void> {
    const offsetOf = (p: CachedPage) => inode.blocks.get(p.index)
    let i = 0
    while (i < pages.length) {
      const start = offsetOf(pages[i])
      let j = i + 1
      if (start !== undefined) {
        while (j < pages.length && offsetOf(pages[j]) === offsetOf(pages[j - 1])! + this.cache.pageBytes) j++
        yield* this.block.io(start, (j - i) * this.cache.pageBytes, false)
      }
      for (let k = i; k < j; k++) {
        pages[k].reading = false
        pages[k].wq.wakeAll()
      }
      i = j
    }
  }

  *fsync(ctx: CallContext, inode: Inode): Gen<void> {
    if (inode.shmem) return // noop_fsync: nothing of a tmpfs file is on a disk
    const dirty = this.cache.dirtyPages(inode.ino)
    if (dirty.length > 0) {
      const offsetOf = (p: CachedPage) => this.allocate(inode, p.index)
      yield* ctx.kernel.sched.block(ctx.thread, writeback(this.cache, this.block, dirty, offsetOf))
    }
    const busy = [...this.cache.underWriteback].filter((p) => p.ino === inode.ino)
    for (const page of busy) {
      while (page.writeback) yield* page.wq.sleep(ctx.kernel.sched, ctx.thread, -1, false)
    }
  }

  /**
   * balance_dirty_pages: above the background threshold the flusher starts at once; above the
   * dirty limit the writer itself writes the oldest pages back until under the background one.
   */
  *balanceDirty(ctx: CallContext): Gen<void> {
    const {dirtyBackgroundPages: background, dirtyLimitPages: limit} = this.thresholds
    const n = this.cache.dirtyCount
    if (n > limit) {
      yield* ctx.kernel.sched.block(ctx.thread, this.writePages(this.cache.oldestDirty(n - background)))
    } else if (n > background && !this.backgroundFlush) {
      this.backgroundFlush = true
      const self = this
      spawn(
        ctx.kernel.sim,
        (function* () {
          yield* self.writePages(self.cache.oldestDirty(self.cache.dirtyCount - background))
          self.backgroundFlush = false
        })(),
        'background-writeback',
      )
    }
  }

  /** Background writeback of pages dirty since before `olderThan` (the flusher). */
  *flush(olderThan: number): Gen<number> {
    const dirty = this.cache.dirtyPages().filter((p) => p.dirtySince <= olderThan)
    yield* this.writePages(dirty)
    return dirty.length
  }

  /** Write back the given dirty pages, file by file. */
  *writePages(dirty: CachedPage[]): Gen<void> {
    const byIno = new Map<number, CachedPage[]>()
    for (const p of dirty) {
      let list = byIno.get(p.ino)
      if (!list) byIno.set(p.ino, (list = []))
      list.push(p)
    }
    for (const [ino, pages] of byIno) {
      const inode = this.byIno.get(ino)
      if (!inode) continue
      yield* writeback(this.cache, this.block, pages, (p) => this.allocate(inode, p.index))
    }
  }

  private mkdirImplicit(path: string): Inode {
    const dir = new Inode(this.nextIno++, path, true)
    this.byPath.set(path, dir)
    return dir
  }
}

/** file_operations of a regular file: a disk file's, or a tmpfs file's (shmem_file_operations). */
export class RegularFile implements FileObject {
  constructor(
    private readonly vfs: Vfs,
    readonly inode: Inode,
  ) {}

  /** What the fd names: calls are priced by it (footprints.ts). */
  get kind(): 'file' | 'tmpfs' {
    return this.inode.shmem ? 'tmpfs' : 'file'
  }

  /** `toUser` false: the data stays in the kernel (sendfile hands the pages to the socket). */
  *read(ctx: CallContext, file: OpenFile, bytes: number, offset?: number, toUser = true): Gen<SyscallResult> {
    const inode = this.inode
    const at = offset ?? file.offset
    if (at >= inode.size || bytes <= 0) return ok(0)
    const n = Math.min(bytes, inode.size - at)
    const P = this.vfs.cache.pageBytes
    const first = Math.floor(at / P)
    const last = Math.floor((at + n - 1) / P)
    const sequential = inode.readEnd === at || at === 0
    if (inode.shmem) this.shmemHits(first, last)
    else yield* this.vfs.fill(ctx, inode, first, last, sequential)
    if (toUser) {
      yield* ctx.kernel.sched.compute(ctx.thread, this.vfs.hooks.copyCycles(ctx, n, this.pages(first, last)), Act.copy)
    }
    inode.readEnd = at + n
    if (offset === undefined) file.offset = at + n
    return ok(n)
  }

  *write(ctx: CallContext, file: OpenFile, bytes: number, offset?: number): Gen<SyscallResult> {
    const inode = this.inode
    if ((file.flags & O.ACCMODE) === O.RDONLY) return fail('EBADF')
    const at = offset ?? ((file.flags & O.APPEND) !== 0 ? inode.size : file.offset)
    if (bytes <= 0) return ok(0)
    const P = this.vfs.cache.pageBytes
    const first = Math.floor(at / P)
    const last = Math.floor((at + bytes - 1) / P)
    if (inode.shmem) {
      const touched = this.shmemPagesFor(first, last)
      yield* ctx.kernel.sched.compute(ctx.thread, this.vfs.hooks.copyCycles(ctx, bytes, touched), Act.copy)
      inode.size = Math.max(inode.size, at + bytes)
      if (offset === undefined) file.offset = at + bytes
      return ok(bytes)
    }
    const cache = this.vfs.cache
    const touched: CachedPage[] = []
    for (let i = first; i <= last; i++) {
      let page = cache.lookup(inode.ino, i)
      const partial = (i === first && at % P !== 0) || (i === last && (at + bytes) % P !== 0)
      if (!page && partial && i * P < inode.size) {
        // read-modify-write of a page holding old data
        yield* this.vfs.fill(ctx, inode, i, i, false)
        page = cache.lookup(inode.ino, i)
      } else if (page) {
        cache.stats.hits++
      }
      if (!page) page = cache.insert(inode.ino, i, false)
      while (page.reading) yield* page.wq.sleep(ctx.kernel.sched, ctx.thread, -1, false)
      cache.markDirty(page, ctx.kernel.sim.now)
      this.vfs.allocate(inode, i)
      touched.push(page)
    }
    this.vfs.hooks.onDirty()
    yield* ctx.kernel.sched.compute(ctx.thread, this.vfs.hooks.copyCycles(ctx, bytes, touched), Act.copy)
    inode.size = Math.max(inode.size, at + bytes)
    if (offset === undefined) file.offset = at + bytes
    yield* this.vfs.balanceDirty(ctx)
    return ok(bytes)
  }

  /** A tmpfs read finds its pages in memory; a hole (no page) reads as zeros, with no I/O either. */
  private shmemHits(first: number, last: number): void {
    const cache = this.vfs.cache
    for (let i = first; i <= last; i++) if (cache.lookup(this.inode.ino, i)) cache.stats.hits++
  }

  /**
   * The tmpfs pages [first, last] a write fills: found, or allocated pinned (shmem_getpage). A new
   * page is zeroed memory, so a partial write reads nothing first; nothing turns dirty for writeback.
   */
  private shmemPagesFor(first: number, last: number): CachedPage[] {
    const cache = this.vfs.cache
    const out: CachedPage[] = []
    for (let i = first; i <= last; i++) {
      let page = cache.lookup(this.inode.ino, i)
      if (page) cache.stats.hits++
      else page = cache.insert(this.inode.ino, i, false, true)
      out.push(page)
    }
    return out
  }

  /** The cached pages [first, last] of this file (those evicted meanwhile are left out). */
  private pages(first: number, last: number): CachedPage[] {
    const out: CachedPage[] = []
    for (let i = first; i <= last; i++) {
      const page = this.vfs.cache.peek(this.inode.ino, i)
      if (page) out.push(page)
    }
    return out
  }

  *fsync(ctx: CallContext): Gen<SyscallResult> {
    yield* this.vfs.fsync(ctx, this.inode)
    return ok(0)
  }

  poll(): number {
    return POLL.IN | POLL.OUT
  }

  stat(): StatInfo {
    return this.vfs.stat(this.inode)
  }
}
