import {describe, expect, it} from 'vitest'
import {callFootprint, TMPFS_READ, TMPFS_WRITE, workOf} from '../../src/kernel/footprints.js'
import {O, SEEK} from '../../src/kernel/types.js'
import {STORAGE_TMPFS} from '../../src/kernel/vfs/vfs.js'
import type {MachineParams} from '../../src/machine/params.js'
import {e5520Params} from '../machine/fixture.js'
import {nativeSystem} from './fixture.js'

const MiB = 1 << 20
const TMPFS_FILE = `${STORAGE_TMPFS}/f`
const DISK_FILE = '/storage/f'

describe('tmpfs', () => {
  it('reads never wait for the disk, even cold: a preloaded disk file is read from the disk, a tmpfs one is not', () => {
    const {host, machine, system} = nativeSystem()
    const vfs = system.kernel('native').vfs
    vfs.preload(TMPFS_FILE, 4 * MiB)
    vfs.preload(DISK_FILE, 4 * MiB)
    const served: Record<string, number> = {}
    system.spawnProcess(function* (sys) {
      for (const path of [TMPFS_FILE, DISK_FILE]) {
        const before = machine.disk.served
        const fd = (yield* sys.open(path, O.RDONLY)).ret
        for (let off = 0; off < 4 * MiB; off += 256 * 1024)
          expect((yield* sys.pread(fd, 256 * 1024, off)).ret).toBe(256 * 1024)
        served[path] = machine.disk.served - before
      }
      // a hole (past what was written, below the size) reads as zeros, with no I/O either
      const fd = (yield* sys.open(`${STORAGE_TMPFS}/sparse`, O.CREAT | O.RDWR)).ret
      yield* sys.pwrite(fd, 4096, 8 * MiB)
      const before = machine.disk.served
      expect((yield* sys.pread(fd, 64 * 1024, MiB)).ret).toBe(64 * 1024)
      served.hole = machine.disk.served - before
    })
    host.run()
    expect(served).toEqual({[TMPFS_FILE]: 0, [DISK_FILE]: expect.any(Number), hole: 0})
    expect(served[DISK_FILE]).toBeGreaterThan(0)
  })

  it('writes leave no dirty page and fsync returns at once; on the disk file both wait for writeback', () => {
    const {host, machine, system} = nativeSystem()
    const vfs = system.kernel('native').vfs
    const r: Record<string, {dirty: number; fsync: number; served: number}> = {}
    system.spawnProcess(function* (sys) {
      for (const path of [TMPFS_FILE, DISK_FILE]) {
        const fd = (yield* sys.open(path, O.CREAT | O.RDWR)).ret
        for (let i = 0; i < 4; i++) yield* sys.write(fd, 256 * 1024)
        const dirty = vfs.cache.dirtyCount
        const before = machine.disk.served
        const t0 = sys.now()
        expect((yield* sys.fsync(fd)).ret).toBe(0)
        r[path] = {dirty, fsync: sys.now() - t0, served: machine.disk.served - before}
      }
    })
    host.run()
    expect(r[TMPFS_FILE].dirty).toBe(0)
    expect(r[TMPFS_FILE].served).toBe(0)
    expect(r[DISK_FILE].dirty).toBe(256) // 1 MiB of 4 KiB pages
    expect(r[DISK_FILE].served).toBeGreaterThan(0)
    // tmpfs's fsync is the call alone: far below one disk request's controller overhead
    expect(r[TMPFS_FILE].fsync).toBeLessThan(machine.params.disk.controllerOverhead)
    expect(r[DISK_FILE].fsync).toBeGreaterThan(machine.params.disk.controllerOverhead)
  })

  it('a cached file under the mount and one on the disk cost the same to read and write: they differ only in I/O', () => {
    const timings = (path: string) => {
      const {host, system} = nativeSystem()
      const t: number[] = []
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open(path, O.CREAT | O.RDWR)).ret
        for (let i = 0; i < 8; i++) yield* sys.write(fd, 256 * 1024) // 2 MiB, all in memory
        for (const bytes of [64, 4096, 256 * 1024]) {
          let t0 = sys.now()
          expect((yield* sys.pread(fd, bytes, MiB)).ret).toBe(bytes)
          t.push(sys.now() - t0)
          t0 = sys.now()
          expect((yield* sys.pwrite(fd, bytes, MiB)).ret).toBe(bytes)
          t.push(sys.now() - t0)
        }
        yield* sys.lseek(fd, 0, SEEK.SET)
        t.push((yield* sys.read(fd, 3 * MiB)).ret)
        t.push((yield* sys.fstat(fd)).stat!.size)
      })
      host.run()
      return t
    }
    const tmpfs = timings(TMPFS_FILE)
    expect(tmpfs).toEqual(timings(DISK_FILE))
    expect(tmpfs.slice(-2)).toEqual([2 * MiB, 2 * MiB]) // a read stops at the end of the file
  })

  it('its pages are pinned: page-cache pressure evicts the disk file, never the tmpfs one', () => {
    const {host, machine, system} = nativeSystem({kernel: {pageCachePages: 64}})
    const vfs = system.kernel('native').vfs
    let served = -1
    let stat = {blocks: 0, size: 0}
    system.spawnProcess(function* (sys) {
      const tmp = (yield* sys.open(TMPFS_FILE, O.CREAT | O.RDWR)).ret
      yield* sys.write(tmp, 32 * 4096)
      const disk = (yield* sys.open(DISK_FILE, O.CREAT | O.RDWR)).ret
      yield* sys.write(disk, 128 * 4096)
      yield* sys.fsync(disk) // clean, so evictable
      const before = machine.disk.served
      expect((yield* sys.pread(tmp, 32 * 4096, 0)).ret).toBe(32 * 4096)
      served = machine.disk.served - before
      stat = (yield* sys.fstat(tmp)).stat!
    })
    host.run()
    expect(vfs.cache.stats.evictions).toBeGreaterThan(0)
    expect(served).toBe(0)
    expect(vfs.cache.stats.misses).toBe(0)
    expect(stat).toMatchObject({size: 32 * 4096, blocks: 32 * 8}) // its pages in memory, in 512 B blocks
  })
})

describe('tmpfs footprints', () => {
  it('reads and writes on a tmpfs file are the tmpfs kind’s work, priced as pread/pwrite without a row of their own', () => {
    const params = e5520Params()
    const fps = params.syscalls.footprints
    for (const call of ['read', 'pread', 'readv'] as const) expect(workOf(call, 'tmpfs')).toBe(TMPFS_READ)
    for (const call of ['write', 'pwrite', 'writev'] as const) expect(workOf(call, 'tmpfs')).toBe(TMPFS_WRITE)
    expect(callFootprint(params, TMPFS_READ)).toBe(fps.pread)
    expect(callFootprint(params, TMPFS_WRITE)).toBe(fps.pwrite)
    expect(workOf('pread', 'file')).toBe('pread')
  })

  it('a read on a tmpfs fd is charged the tmpfs row when the profile has one; a disk file read is not', () => {
    const readCycles = (params: MachineParams, path: string) => {
      const {host, system} = nativeSystem({params})
      let t = 0
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open(path, O.CREAT | O.RDWR)).ret
        yield* sys.write(fd, 4096)
        const t0 = sys.now()
        yield* sys.pread(fd, 64, 0)
        t = sys.now() - t0
      })
      host.run()
      return t
    }
    const base = e5520Params()
    const pread = base.syscalls.footprints.pread
    const heavy: MachineParams = {
      ...base,
      syscalls: {
        ...base.syscalls,
        footprints: {...base.syscalls.footprints, [TMPFS_READ]: {...pread, instructions: pread.instructions * 10}},
      },
    }
    expect(readCycles(heavy, TMPFS_FILE)).toBeGreaterThan(readCycles(base, TMPFS_FILE) + pread.instructions)
    expect(readCycles(heavy, DISK_FILE)).toBe(readCycles(base, DISK_FILE))
  })
})
