/** Kernel-side locality on the native path, end to end: warm loops, cold isolated calls, work keys, counters. */
import {describe, expect, it} from 'vitest'
import {copy} from '../../src/machine/copy.js'
import {coldCycles, warmCycles} from '../../src/machine/kernel-locality.js'
import {workOf} from '../../src/kernel/footprints.js'
import {O} from '../../src/kernel/types.js'
import type {CallContext} from '../../src/kernel/syscalls/context.js'
import {nativeSystem} from './fixture.js'
import {virtuosSystem} from './virtuos/fixture.js'

/** Cycles of each 64-byte pread of a cached file, with `gap` user instructions before each. */
function preadLoop(gap: number, calls: number) {
  const t = nativeSystem()
  const took: number[] = []
  t.system.spawnProcess(function* (sys) {
    const fd = (yield* sys.open('/data/small', O.CREAT | O.RDWR)).ret
    yield* sys.write(fd, 4096) // in the page cache
    for (let i = 0; i < calls; i++) {
      yield* sys.compute(gap)
      const t0 = sys.now()
      yield* sys.pread(fd, 64, 0)
      took.push(sys.now() - t0)
    }
  })
  t.host.run()
  return {...t, took}
}

describe('warm and cold handlers on the native path', () => {
  it('a warm read loop of a small cached file costs the warm end (the warm IPC range 0.8-1.6), far below the cold row', () => {
    const {params, took} = preadLoop(100, 20)
    const fp = params.syscalls.footprints.pread
    const trap = params.cpu.syscallEntry + params.cpu.syscallExit
    const last = took.at(-1)!
    const copy64 = copy(params, 64, {warm: true, srcSocket: 0, dstSocket: 0})
    expect(last).toBeGreaterThanOrEqual(trap + Math.ceil(fp.instructions / 1.6))
    expect(last).toBeLessThanOrEqual(trap + Math.ceil(fp.instructions / 0.8) + copy64)
    expect(last).toBeLessThan((trap + coldCycles(params, fp)) / 2)
  })

  it('an isolated call after a long user burst still costs the cold row', () => {
    const {params, took} = preadLoop(100_000_000, 3)
    const fp = params.syscalls.footprints.pread
    const base = params.cpu.syscallEntry + coldCycles(params, fp) + params.cpu.syscallExit
    const copy64 = copy(params, 64, {warm: false, srcSocket: 0, dstSocket: 0})
    for (const c of took.slice(1)) {
      expect(c).toBeGreaterThanOrEqual(base)
      expect(c).toBeLessThanOrEqual(base + copy64)
    }
  })

  it("a 4 MiB read leaves the next small read's handler cold; a 1-byte read leaves it warm", () => {
    const after = (bytes: number) => {
      const {host, params, system} = nativeSystem()
      let took = 0
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/data/f', O.CREAT | O.RDWR)).ret
        for (let i = 0; i < 4; i++) yield* sys.write(fd, 2 ** 20)
        yield* sys.pread(fd, 64, 0)
        yield* sys.pread(fd, bytes, 0)
        const t0 = sys.now()
        yield* sys.pread(fd, 64, 0)
        took = sys.now() - t0
      })
      host.run()
      return {took, params}
    }
    const big = after(4 * 2 ** 20)
    const small = after(1)
    const fp = big.params.syscalls.footprints.pread
    expect(big.took - small.took).toBeGreaterThan(0.5 * (coldCycles(big.params, fp) - warmCycles(big.params, fp)))
  })
})

describe('footprints by work', () => {
  it('read on a socket is charged as recv, write as send; on a file as pread/pwrite', () => {
    const {host, system} = nativeSystem()
    const kernel = system.kernel('native')
    let works: string[] = []
    system.spawnProcess(function* (sys) {
      const sock = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      const file = (yield* sys.open('/data/x', O.CREAT | O.RDWR)).ret
      const ctx = {process: kernel.processes.get(sys.pid)} as unknown as CallContext
      works = [
        kernel.workOf(ctx, 'read', {fd: sock, bytes: 1}),
        kernel.workOf(ctx, 'write', {fd: sock, bytes: 1}),
        kernel.workOf(ctx, 'read', {fd: file, bytes: 1}),
        kernel.workOf(ctx, 'write', {fd: file, bytes: 1}),
      ]
    })
    host.run()
    expect(works).toEqual(['recv', 'send', 'pread', 'pwrite'])
    expect(kernel.footprint(works[0])).toEqual(kernel.footprint('recv'))
    expect(kernel.footprint(workOf('recvfrom', 'socket'))).toEqual(kernel.footprint('recv'))
  })

  it('fstat is cheaper than stat: no path walk', () => {
    const {host, params, system} = nativeSystem()
    const took: Record<string, number> = {}
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/s', O.CREAT | O.RDWR)).ret
      let t0 = sys.now()
      yield* sys.fstat(fd)
      took.fstat = sys.now() - t0
      t0 = sys.now()
      yield* sys.stat('/data/s')
      took.stat = sys.now() - t0
    })
    host.run()
    const kernel = system.kernel('native')
    expect(kernel.footprint('fstat').instructions).toBeCloseTo(
      params.syscalls.fstatShare * params.syscalls.footprints.stat.instructions,
      9,
    )
    expect(took.fstat).toBeLessThan(took.stat)
  })
})

describe('counters per mode', () => {
  it("FlexSC's Figure 4 trend: kernel-mode IPC rises and user-mode IPC falls as calls become more frequent", () => {
    const gaps = [300_000, 30_000, 3_000, 300]
    const ipcs = gaps.map((gap) => {
      const {machine} = preadLoop(gap, 60)
      return {k: machine.counters.ipc({mode: 'kernel'}), u: machine.counters.ipc({mode: 'user'})}
    })
    for (let i = 1; i < ipcs.length; i++) {
      expect(ipcs[i].k).toBeGreaterThan(ipcs[i - 1].k)
      expect(ipcs[i].u).toBeLessThan(ipcs[i - 1].u)
    }
  })

  it('counts per core and mode add up to the whole', () => {
    const {machine} = preadLoop(1000, 10)
    const all = machine.counters.sum()
    const k = machine.counters.sum({mode: 'kernel'})
    const u = machine.counters.sum({mode: 'user'})
    expect(k.cycles + u.cycles).toBe(all.cycles)
    expect(k.instructions).toBeGreaterThan(0)
    expect(machine.counters.mpki({mode: 'kernel'}).l1d).toBeGreaterThan(0)
  })

  it("VirtuOS: a remote call's handler is counted in the service domain, on the worker's core, where it stays warm", () => {
    const {host, machine, system, v} = virtuosSystem()
    const storage = v.domains.storage
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      yield* sys.write(fd, 4096)
      for (let i = 0; i < 20; i++) {
        yield* sys.compute(20_000) // user work between calls: it runs on the application core only
        yield* sys.pread(fd, 64, 0)
      }
    })
    host.run()
    const fp = storage.kernel.footprint('pread')
    const inStorage = machine.counters.sum({mode: 'kernel', domain: storage.kernel.domain})
    expect(inStorage.instructions).toBeGreaterThanOrEqual(20 * fp.instructions)
    // the worker's core ran no user code: its handlers stay warm, kernel IPC near the warm end
    // (open and the first write and pread run cold, the 19 later preads warm)
    const coldIpc = fp.instructions / coldCycles(storage.kernel.params, fp)
    expect(machine.counters.ipc({mode: 'kernel', domain: storage.kernel.domain})).toBeGreaterThan(2 * coldIpc)
    // natively the same loop runs its handlers on the application core, after the user's burst
    const native = nativeSystem()
    native.system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/data/a', O.CREAT | O.RDWR)).ret
      yield* sys.write(fd, 4096)
      for (let i = 0; i < 20; i++) {
        yield* sys.compute(20_000)
        yield* sys.pread(fd, 64, 0)
      }
    })
    native.host.run()
    expect(native.machine.counters.ipc({mode: 'kernel'})).toBeLessThan(
      machine.counters.ipc({mode: 'kernel', domain: storage.kernel.domain}),
    )
    expect(machine.counters.sum({mode: 'user', domain: storage.kernel.domain}).instructions).toBe(0)
  })
})
