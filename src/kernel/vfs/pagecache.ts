/**
 * The page cache: 4 KiB pages of files, found by (inode, page index). A miss reads from the disk
 * (with readahead for sequential access); writes dirty pages that fsync or the flusher write back.
 * Clean pages are evicted LRU when the cache is full (dirty pages stay until written; a tmpfs
 * file's pages are pinned: the cache is their only copy, and without swap they are never evicted).
 */
import type {CacheTouch} from '../cache-recency.js'
import type {Gen} from '../types.js'
import {KWaitQueue} from '../waitqueue.js'
import type {BlockLayer} from './block.js'

/** A page of a file; as a CacheTouch it also records its last CPU copy (cache-recency.ts). */
export interface CachedPage extends CacheTouch {
  readonly ino: number
  readonly index: number
  /** Being read from disk: readers sleep on `wq`. */
  reading: boolean
  dirty: boolean
  /** Simulated time it became dirty (flusher expiry). */
  dirtySince: number
  /** Under writeback: fsync waits on `wq` for it. */
  writeback: boolean
  /** A tmpfs (shmem) page: the cache holds the only copy, so it is never evicted (no swap). */
  readonly pinned: boolean
  readonly wq: KWaitQueue
}

export interface PageCacheStats {
  hits: number
  misses: number
  readaheadPages: number
  writebackPages: number
  evictions: number
}

export class PageCache {
  /** Insertion order is LRU order (a hit re-inserts). */
  private readonly pages = new Map<string, CachedPage>()
  /** Dirty pages in the order they became dirty (oldest first). */
  private readonly dirty = new Set<CachedPage>()
  /** Pages whose write to disk is in progress. */
  readonly underWriteback = new Set<CachedPage>()
  readonly stats: PageCacheStats = {hits: 0, misses: 0, readaheadPages: 0, writebackPages: 0, evictions: 0}
  constructor(
    readonly capacityPages: number,
    readonly pageBytes: number,
  ) {}

  get size(): number {
    return this.pages.size
  }

  lookup(ino: number, index: number): CachedPage | undefined {
    const key = `${ino}:${index}`
    const page = this.pages.get(key)
    if (page) {
      this.pages.delete(key)
      this.pages.set(key, page)
    }
    return page
  }

  /** The page if cached, without touching the LRU order. */
  peek(ino: number, index: number): CachedPage | undefined {
    return this.pages.get(`${ino}:${index}`)
  }

  /** Insert a page (state set by the caller), evicting clean pages if over capacity. */
  insert(ino: number, index: number, reading: boolean, pinned = false): CachedPage {
    const page: CachedPage = {
      ino,
      index,
      reading,
      dirty: false,
      dirtySince: 0,
      writeback: false,
      pinned,
      wq: new KWaitQueue(),
      touchSocket: -1,
      touchClock: 0,
    }
    this.pages.set(`${ino}:${index}`, page)
    if (this.pages.size > this.capacityPages) this.evict(this.pages.size - this.capacityPages)
    return page
  }

  drop(ino: number): void {
    for (const [key, page] of this.pages) {
      if (page.ino !== ino) continue
      this.pages.delete(key)
      this.dirty.delete(page)
    }
  }

  get dirtyCount(): number {
    return this.dirty.size
  }

  markDirty(page: CachedPage, now: number): void {
    if (page.dirty) return
    page.dirty = true
    page.dirtySince = now
    this.dirty.add(page)
  }

  markClean(page: CachedPage): void {
    page.dirty = false
    this.dirty.delete(page)
  }

  /** Dirty pages (of one file), in file order. */
  dirtyPages(ino?: number): CachedPage[] {
    const out: CachedPage[] = []
    for (const page of this.dirty) if (ino === undefined || page.ino === ino) out.push(page)
    return out.sort((a, b) => a.ino - b.ino || a.index - b.index)
  }

  /** The `count` pages dirty the longest. */
  oldestDirty(count: number): CachedPage[] {
    const out: CachedPage[] = []
    for (const page of this.dirty) {
      if (out.length >= count) break
      out.push(page)
    }
    return out.sort((a, b) => a.ino - b.ino || a.index - b.index)
  }

  private evict(count: number): void {
    for (const [key, page] of this.pages) {
      if (count <= 0) break
      if (page.dirty || page.reading || page.writeback || page.pinned) continue
      this.pages.delete(key)
      this.stats.evictions++
      count--
    }
  }
}

/**
 * Write the given dirty pages of one file back, coalescing runs of consecutive disk blocks into one
 * request each. Pages are clean once their request completes; waiters on them are woken.
 */
export function* writeback(
  cache: PageCache,
  block: BlockLayer,
  pages: CachedPage[],
  diskOffset: (page: CachedPage) => number,
): Gen<void> {
  for (const page of pages) {
    cache.markClean(page)
    page.writeback = true
    cache.underWriteback.add(page)
  }
  let i = 0
  while (i < pages.length) {
    let j = i + 1
    while (j < pages.length && diskOffset(pages[j]) === diskOffset(pages[j - 1]) + cache.pageBytes) j++
    yield* block.io(diskOffset(pages[i]), (j - i) * cache.pageBytes, true)
    for (let k = i; k < j; k++) {
      pages[k].writeback = false
      cache.underWriteback.delete(pages[k])
      pages[k].wq.wakeAll()
    }
    cache.stats.writebackPages += j - i
    i = j
  }
}
