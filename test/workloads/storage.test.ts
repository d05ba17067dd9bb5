import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {buildBench} from '../../src/workloads/common.js'
import {LAYOUT_STREAM, layOutFiles, preloadFile, storageKernel} from '../../src/workloads/storage.js'

const params = loadProfile().params
const MiB = 1 << 20

/** The disk offset of each file's first block after preloading `n` files of 1 MiB. */
function starts(seed: number, maxGapBytes: number | null, n = 4, system = 'native'): number[] {
  const b = buildBench(seed, params, system)
  if (maxGapBytes !== null) layOutFiles(b.system, b.sim.rng(LAYOUT_STREAM), maxGapBytes)
  const vfs = storageKernel(b.system).vfs
  return Array.from({length: n}, (_, i) => {
    preloadFile(b.system, `/storage/f${i}`, MiB)
    return vfs.lookup(`/storage/f${i}`)!.blocks.get(0)!
  })
}

describe('file layout on the disk (stream disk-layout)', () => {
  it('without a layout files lie back to back from offset 0', () => {
    expect(starts(1, null)).toEqual([0, MiB, 2 * MiB, 3 * MiB])
  })

  it('with a layout each file starts after a page-aligned gap of at most the maximum, never overlapping', () => {
    const max = 64 * MiB
    const s = starts(1, max)
    let end = 0
    for (const x of s) {
      expect(x % 4096).toBe(0)
      expect(x - end).toBeGreaterThanOrEqual(0)
      expect(x - end).toBeLessThanOrEqual(max)
      end = x + MiB
    }
  })

  it('two seeds lay the files out differently; one seed repeats; the design does not matter', () => {
    const a = starts(1, 64 * MiB)
    expect(starts(2, 64 * MiB)).not.toEqual(a)
    expect(starts(1, 64 * MiB)).toEqual(a)
    expect(starts(1, 64 * MiB, 4, 'virtuos')).toEqual(a)
  })

  it('a file written at run time (first block allocated by a write) also starts after a gap', () => {
    const b = buildBench(5, params, 'native')
    layOutFiles(b.system, b.sim.rng(LAYOUT_STREAM), 64 * MiB)
    const vfs = storageKernel(b.system).vfs
    const before = vfs.allocationOffset
    const inode = vfs.create('/storage/log')
    const first = vfs.allocate(inode, 0)
    expect(first).toBeGreaterThanOrEqual(before)
    expect(vfs.allocate(inode, 1)).toBe(first + 4096) // later blocks follow the first
    expect(first - before).toBe(starts(5, 64 * MiB, 1)[0]) // the same first draw of the seed's stream
  })
})
