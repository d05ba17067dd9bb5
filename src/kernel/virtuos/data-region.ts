/**
 * The data region of one (process, service domain): pages of the service domain granted to the
 * primary and mapped into the process, through which the library copies buffers, paths, sockaddrs
 * and results. It starts empty and grows on demand by batches of at most 80 grants, up to 8192
 * pages (32 MiB). Space is handed out first-fit from a free list (64-byte aligned); large transfers
 * are cut into 4 MiB chunks by the caller (`chunks`).
 */
import {InvariantError} from '../../errors.js'

export interface Allocation {
  readonly offset: number
  readonly bytes: number
  /** Grant batches (pages each) mapped to make room for this allocation (each one request to the domain). */
  readonly growth: number[]
}

const ALIGN = 64

export class DataRegion {
  mappedPages = 0
  private readonly freeList: {offset: number; bytes: number}[] = []
  private readonly live = new Map<number, number>()
  grants = 0
  growthRequests = 0

  constructor(
    readonly maxPages: number,
    readonly batchGrants: number,
    readonly pageBytes: number,
  ) {}

  get capacityBytes(): number {
    return this.maxPages * this.pageBytes
  }

  get mappedBytes(): number {
    return this.mappedPages * this.pageBytes
  }

  get liveBytes(): number {
    let n = 0
    for (const b of this.live.values()) n += b
    return n
  }

  /** Space for `bytes`, growing the mapping if needed; null when the region is full (wait and retry). */
  alloc(bytes: number): Allocation | null {
    const need = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN)
    if (need > this.capacityBytes) {
      throw new InvariantError(`a ${bytes}-byte buffer exceeds the ${this.capacityBytes}-byte data region: chunk it`)
    }
    const growth: number[] = []
    for (;;) {
      const hit = this.freeList.findIndex((f) => f.bytes >= need)
      if (hit >= 0) {
        const f = this.freeList[hit]
        const offset = f.offset
        f.offset += need
        f.bytes -= need
        if (f.bytes === 0) this.freeList.splice(hit, 1)
        this.live.set(offset, need)
        return {offset, bytes: need, growth}
      }
      const batch = Math.min(this.batchGrants, this.maxPages - this.mappedPages)
      if (batch <= 0) {
        return null // growth done on the way stays mapped: the release never shrinks the region
      }
      this.insertFree(this.mappedBytes, batch * this.pageBytes)
      this.mappedPages += batch
      this.grants += batch
      this.growthRequests++
      growth.push(batch)
    }
  }

  free(offset: number): void {
    const bytes = this.live.get(offset)
    if (bytes === undefined) throw new InvariantError(`data region: free of ${offset}, which is not allocated`)
    this.live.delete(offset)
    this.insertFree(offset, bytes)
  }

  private insertFree(offset: number, bytes: number): void {
    const list = this.freeList
    let i = 0
    while (i < list.length && list[i].offset < offset) i++
    list.splice(i, 0, {offset, bytes})
    // coalesce with neighbours
    if (i + 1 < list.length && list[i].offset + list[i].bytes === list[i + 1].offset) {
      list[i].bytes += list[i + 1].bytes
      list.splice(i + 1, 1)
    }
    if (i > 0 && list[i - 1].offset + list[i - 1].bytes === list[i].offset) {
      list[i - 1].bytes += list[i].bytes
      list.splice(i, 1)
    }
  }

  get allocations(): number {
    return this.live.size
  }
}

/** Cut a transfer into chunks of at most `chunkBytes` (a 0-byte transfer is one empty chunk). */
export function chunks(bytes: number, chunkBytes: number): number[] {
  if (bytes <= chunkBytes) return [Math.max(0, bytes)]
  const out: number[] = []
  for (let left = bytes; left > 0; left -= chunkBytes) out.push(Math.min(chunkBytes, left))
  return out
}
