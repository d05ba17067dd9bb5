import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {buildBench} from '../../src/workloads/common.js'
import {type FileLayout, LAYOUT_STREAM, layOutFiles, preloadFile, storageKernel} from '../../src/workloads/storage.js'

const params = loadProfile().params
const MiB = 1 << 20
const spread: FileLayout = {offsetMaxBytes: 128 * MiB, gapMaxBytes: 64 * MiB}

/** The disk offset of each file's first block after preloading `n` files of 1 MiB. */
function starts(seed: number, layout: FileLayout | null, n = 4, system = 'native'): number[] {
  const b = buildBench(seed, params, system)
  if (layout !== null) layOutFiles(b.system, b.sim.rng(LAYOUT_STREAM), layout)
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

  it('the first file within the offset range, each later one after a page-aligned gap within the gap range', () => {
    const s = starts(1, spread)
    expect(s[0]).toBeLessThanOrEqual(spread.offsetMaxBytes)
    let end = s[0] + MiB
    for (const x of [...s.slice(1)]) {
      expect(x - end).toBeGreaterThanOrEqual(0)
      expect(x - end).toBeLessThanOrEqual(spread.gapMaxBytes)
      end = x + MiB
    }
    for (const x of s) expect(x % 4096).toBe(0)
  })

  it('a gap range of 0 keeps the data set contiguous wherever it starts', () => {
    const s = starts(3, {offsetMaxBytes: 128 * MiB, gapMaxBytes: 0})
    expect(s).toEqual([0, 1, 2, 3].map((i) => s[0] + i * MiB))
    expect(starts(4, {offsetMaxBytes: 128 * MiB, gapMaxBytes: 0})[0]).not.toBe(s[0])
  })

  it('two seeds lay the files out differently; one seed repeats; the design does not matter', () => {
    const a = starts(1, spread)
    expect(starts(2, spread)).not.toEqual(a)
    expect(starts(1, spread)).toEqual(a)
    expect(starts(1, spread, 4, 'virtuos')).toEqual(a)
  })

  it('a file written at run time (first block allocated by a write) also starts after a gap', () => {
    const b = buildBench(5, params, 'native')
    layOutFiles(b.system, b.sim.rng(LAYOUT_STREAM), spread)
    const vfs = storageKernel(b.system).vfs
    const inode = vfs.create('/storage/log')
    const first = vfs.allocate(inode, 0)
    expect(vfs.allocate(inode, 1)).toBe(first + 4096) // later blocks follow the first
    expect(first).toBe(starts(5, spread, 1)[0]) // the same first draw of the seed's stream
    expect(first).toBeGreaterThan(0)
  })
})
