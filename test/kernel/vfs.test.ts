import {describe, expect, it} from 'vitest'
import {copy} from '../../src/machine/copy.js'
import {coldCycles, warmCycles} from '../../src/machine/kernel-locality.js'
import {Machine} from '../../src/machine/machine.js'
import {buildSystem} from '../../src/kernel/system.js'
import {Simulation} from '../../src/sim/index.js'
import {e5520Params} from '../machine/fixture.js'
import {O, SEEK} from '../../src/kernel/types.js'
import {nativeSystem} from './fixture.js'

const MiB = 1 << 20

describe('VFS and page cache', () => {
  it('a miss waits for the disk, a hit does not', () => {
    const {host, machine, system} = nativeSystem()
    const vfs = system.kernel('native').vfs
    vfs.preload('/data/big', 64 * MiB)
    const t: number[] = []
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/big', O.RDONLY)).ret
      let t0 = sys.now()
      expect((yield* sys.pread(fd, 4096, 32 * MiB)).ret).toBe(4096)
      t.push(sys.now() - t0)
      t0 = sys.now()
      expect((yield* sys.pread(fd, 4096, 32 * MiB)).ret).toBe(4096)
      t.push(sys.now() - t0)
    })
    host.run()
    const [miss, hit] = t
    expect(vfs.cache.stats).toMatchObject({misses: 1, hits: 1})
    expect(machine.disk.served).toBe(1)
    // a random 4 KiB read pays seek + rotation (milliseconds); a hit is microseconds
    expect(miss).toBeGreaterThan(machine.params.disk.trackSeek)
    expect(hit).toBeLessThan(40_000)
    expect(miss).toBeGreaterThan(50 * hit)
  })

  it('page-cache copies are warm only when the pages were copied recently on that socket', () => {
    const {host, params, system} = nativeSystem()
    const t: Record<string, number> = {}
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/f16', O.CREAT | O.RDWR)).ret
      for (let i = 0; i < 16; i++) yield* sys.write(fd, MiB) // 16 MiB, all in the page cache
      const timed = function* (bytes: number, offset: number) {
        const t0 = sys.now()
        expect((yield* sys.pread(fd, bytes, offset)).ret).toBe(bytes)
        return sys.now() - t0
      }
      // cycling over 16 MiB (> the 8 MiB L3): each 4 MiB read finds its pages 16+ MiB old
      for (let off = 0; off < 16 * MiB; off += 4 * MiB) t.big = yield* timed(4 * MiB, off)
      t.cold = yield* timed(256 * 1024, 8 * MiB) // last copied 16 MiB of copies ago
      t.warm = yield* timed(256 * 1024, 8 * MiB) // just copied
    })
    host.run()
    const at = {srcSocket: 0, dstSocket: 0}
    // a 4 MiB copy from memory, not at the in-cache 16 B/cycle (34.5 GB/s at 2.26 GHz)
    expect(t.big).toBeGreaterThanOrEqual(copy(params, 4 * MiB, {warm: false, ...at}))
    expect((4 * MiB) / (t.big / params.clockHz)).toBeLessThan(10e9)
    // the same 256 KiB read: cold then warm, differing by the copy's two rates (and by at most the
    // handler's own cold-warm gap: the copies before the first one displaced pread's lines)
    const gap = copy(params, 256 * 1024, {warm: false, ...at}) - copy(params, 256 * 1024, {warm: true, ...at})
    const fp = params.syscalls.footprints.pread
    expect(t.cold - t.warm).toBeGreaterThan(0.9 * gap)
    expect(t.cold - t.warm).toBeLessThan(1.1 * gap + coldCycles(params, fp) - warmCycles(params, fp))
  })

  it('sequential reads trigger readahead: later pages are hits', () => {
    const {host, machine, system} = nativeSystem()
    const vfs = system.kernel('native').vfs
    vfs.preload('/data/seq', 4 * MiB)
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/seq', O.RDONLY)).ret
      for (let i = 0; i < 16; i++) yield* sys.read(fd, 4096)
    })
    host.run()
    // read 0 misses and reads the first window (32 pages); read 15 is half way: the next window
    // is read in the background
    const window = vfs.readaheadPages
    expect(vfs.cache.stats.misses).toBe(1)
    expect(vfs.cache.stats.hits).toBe(15)
    expect(vfs.cache.stats.readaheadPages).toBe(window - 1 + window)
    expect(machine.disk.served).toBe(2)
  })

  it('writes only dirty the cache; fsync waits for the disk to write them back', () => {
    const {host, machine, system} = nativeSystem()
    const vfs = system.kernel('native').vfs
    const t: Record<string, number> = {}
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/out', O.CREAT | O.WRONLY)).ret
      let t0 = sys.now()
      yield* sys.write(fd, 256 * 1024)
      t.write = sys.now() - t0
      t.dirtyAfterWrite = vfs.cache.dirtyPages().length
      t.servedBeforeFsync = machine.disk.served
      t0 = sys.now()
      expect((yield* sys.fsync(fd)).ret).toBe(0)
      t.fsync = sys.now() - t0
      t.dirtyAfterFsync = vfs.cache.dirtyPages().length
      t0 = sys.now()
      yield* sys.fsync(fd)
      t.cleanFsync = sys.now() - t0
      expect((yield* sys.lseek(fd, 0, SEEK.END)).ret).toBe(256 * 1024)
    })
    host.run()
    expect(t.dirtyAfterWrite).toBe(64)
    expect(t.servedBeforeFsync).toBe(0)
    expect(t.dirtyAfterFsync).toBe(0)
    expect(machine.disk.served).toBe(1) // 64 contiguous pages, one request
    expect(t.fsync).toBeGreaterThan(machine.params.disk.controllerOverhead)
    expect(t.fsync).toBeGreaterThan(10 * t.write)
    expect(t.cleanFsync).toBeLessThan(t.fsync / 10)
  })

  it('open/stat/unlink/dup2/fcntl keep POSIX semantics', () => {
    const {host, system} = nativeSystem()
    const r: Record<string, unknown> = {}
    system.spawnProcess(function* (sys) {
      r.noent = (yield* sys.open('/x', O.RDONLY)).errno
      const fd = (yield* sys.open('/x', O.CREAT | O.RDWR)).ret
      r.fd = fd
      yield* sys.write(fd, 10)
      r.size = (yield* sys.stat('/x')).stat?.size
      r.dup2 = (yield* sys.dup2(fd, 9)).ret
      r.shared = (yield* sys.lseek(9, 0, SEEK.CUR)).ret // the description (offset) is shared
      r.dup = (yield* sys.dup(fd)).ret
      yield* sys.fcntl(fd, 4, O.NONBLOCK)
      r.flags = (yield* sys.fcntl(9, 3)).ret
      r.close = (yield* sys.close(9)).ret
      r.closeAgain = (yield* sys.close(9)).errno
      r.unlink = (yield* sys.unlink('/x')).ret
      r.statGone = (yield* sys.stat('/x')).errno
      r.badRead = (yield* sys.read(77, 1)).errno
    })
    host.run()
    expect(r).toEqual({
      noent: 'ENOENT',
      fd: 0,
      size: 10,
      dup2: 9,
      shared: 10,
      dup: 1,
      flags: O.RDWR | O.NONBLOCK | O.CREAT,
      close: 0,
      closeAgain: 'EBADF',
      unlink: 0,
      statGone: 'ENOENT',
      badRead: 'EBADF',
    })
  })
})

describe('dirty page throttling', () => {
  it('the flusher writes back pages older than 30 s while a user thread lives, and does not outlive the last one', () => {
    const run = (sleepSeconds: number) => {
      const params = e5520Params()
      const sim = new Simulation({seed: 1, cyclesPerSecond: params.clockHz})
      const system = buildSystem(sim, new Machine(sim, params), params, {system: 'native'})
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/data/log', O.CREAT | O.WRONLY)).ret
        yield* sys.write(fd, MiB)
        if (sleepSeconds > 0) yield* sys.sleep(sleepSeconds * params.clockHz)
      })
      sim.run()
      return {seconds: sim.now / params.clockHz, vfs: system.kernel('native').vfs}
    }
    // the workload ends at once: the run ends with it, not ~35 s later after idle flushing
    const quick = run(0)
    expect(quick.seconds).toBeLessThan(0.1)
    expect(quick.vfs.cache.dirtyCount).toBe(256)
    // a process still alive at 40 s: its pages are written back at the first wake-up past 30 s
    const alive = run(40)
    expect(alive.vfs.cache.dirtyCount).toBe(0)
    expect(alive.vfs.cache.stats.writebackPages).toBe(256)
    expect(alive.seconds).toBeGreaterThanOrEqual(40)
    expect(alive.seconds).toBeLessThan(41)
  })

  it('a writer above dirty_ratio writes back itself; dirty pages stay under the limit', () => {
    const {host, machine, system} = nativeSystem({kernel: {pageCachePages: 1000}})
    const vfs = system.kernel('native').vfs
    const maxDirty: number[] = []
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/log', O.CREAT | O.WRONLY)).ret
      for (let i = 0; i < 32; i++) {
        yield* sys.write(fd, 64 * 1024)
        maxDirty.push(vfs.cache.dirtyCount)
      }
    })
    host.run()
    expect(vfs.thresholds).toEqual({dirtyBackgroundPages: 100, dirtyLimitPages: 200})
    expect(Math.max(...maxDirty)).toBeLessThanOrEqual(200)
    expect(machine.disk.served).toBeGreaterThan(0) // no fsync was called
    expect(vfs.cache.stats.writebackPages).toBeGreaterThanOrEqual(512 - 200)
  })
})

describe('vectored and positioned I/O', () => {
  it('writev/readv move the sum of the vectors; pread on a pipe is ESPIPE', () => {
    const {host, system} = nativeSystem()
    const r: Record<string, unknown> = {}
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/v', O.CREAT | O.RDWR)).ret
      r.writev = (yield* sys.writev(fd, [100, 200, 300])).ret
      yield* sys.lseek(fd, 0, SEEK.SET)
      r.readv = (yield* sys.readv(fd, [250, 250, 250])).ret
      r.pwrite = (yield* sys.pwrite(fd, 50, 1000)).ret
      r.size = (yield* sys.fstat(fd)).stat?.size
      const p = (yield* sys.call('pipe', {})).fds!
      r.pipePread = (yield* sys.pread(p[0], 10, 0)).errno
      r.lseekPipe = (yield* sys.lseek(p[0], 0, SEEK.SET)).errno
    })
    host.run()
    expect(r).toEqual({writev: 600, readv: 600, pwrite: 50, size: 1050, pipePread: 'ESPIPE', lseekPipe: 'ESPIPE'})
  })
})
