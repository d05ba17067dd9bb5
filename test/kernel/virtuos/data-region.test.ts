import {describe, expect, it} from 'vitest'
import {chunks, DataRegion} from '../../../src/kernel/virtuos/data-region.js'
import {defaultVirtuosParams as V} from '../../../src/kernel/virtuos/params.js'

describe('data region', () => {
  it('grows on demand in batches of at most 80 grants', () => {
    const r = new DataRegion(V.dataRegionMaxPages, V.dataGrowBatchGrants, V.pageBytes)
    const small = r.alloc(100)!
    expect(small.growth).toEqual([80])
    expect(r.alloc(1000)!.growth).toEqual([]) // fits in the pages already mapped
    const big = r.alloc(4 * 1024 * 1024)! // 1024 pages: the free tail of the first batch + 12 batches
    expect(big.growth.length).toBe(12)
    expect(big.growth.every((b) => b <= 80)).toBe(true)
    expect(r.mappedPages).toBe(13 * 80)
  })

  it('reuses freed space and refuses beyond 32 MiB until something is freed', () => {
    const r = new DataRegion(V.dataRegionMaxPages, V.dataGrowBatchGrants, V.pageBytes)
    expect(r.capacityBytes).toBe(32 * 1024 * 1024)
    const held = Array.from({length: 8}, () => r.alloc(4 * 1024 * 1024)!)
    expect(r.mappedPages).toBe(8192)
    expect(r.alloc(64)).toBeNull()
    r.free(held[3].offset)
    const again = r.alloc(4 * 1024 * 1024)!
    expect(again.offset).toBe(held[3].offset)
    expect(again.growth).toEqual([])
  })

  it('cuts large transfers into 4 MiB chunks', () => {
    const MiB = 1024 * 1024
    expect(chunks(10 * MiB, V.transferChunkBytes)).toEqual([4 * MiB, 4 * MiB, 2 * MiB])
    expect(chunks(4 * MiB, V.transferChunkBytes)).toEqual([4 * MiB])
    expect(chunks(0, V.transferChunkBytes)).toEqual([0])
  })
})
