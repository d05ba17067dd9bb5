import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/index.js'
import {syscallOverhead} from '../../../src/experiments/syscall-overhead.js'
import {multiserverOf, type Placement} from '../../../src/kernel/multiserver/index.js'
import type {SyscallInterface} from '../../../src/kernel/syscalls/interface.js'
import {buildSystem, dispatchPaths} from '../../../src/kernel/systems.js'
import {O, type Gen, type SyscallResult} from '../../../src/kernel/types.js'
import {trapEntry, trapExit} from '../../../src/machine/cost.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

const FILE = '/storage/ms-test'

function build(system: string, placement: Placement = 'same-core') {
  const params = e5520Params()
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const built = buildSystem(host, machine, params, {system, clientHosts: 0, multiserver: {placement}})
  return {host, machine, params, system: built}
}

type Call = (sys: SyscallInterface, fd: number) => Gen<SyscallResult>

/** Cycles of the second of two `call`s on a file with one cached page (the first warms it). */
function latency(system: string, call: Call, placement: Placement = 'same-core'): number {
  const b = build(system, placement)
  let cycles = -1
  b.system.spawnProcess(function* (sys) {
    const fd = (yield* sys.open(FILE, O.RDWR | O.CREAT)).ret
    yield* sys.pwrite(fd, 4096, 0)
    yield* call(sys, fd)
    const t0 = sys.now()
    yield* call(sys, fd)
    cycles = sys.now() - t0
  })
  b.host.run()
  return cycles
}

const lseek: Call = (sys, fd) => sys.lseek(fd, 0, 0)
const pread4k: Call = (sys, fd) => sys.pread(fd, 4096, 0)

describe('multiserver IPC round trip (same-core)', () => {
  const p = e5520Params()
  const trap = trapEntry(p) + trapExit(p)

  it('costs two one-way IPCs and the handler where native pays a trap and the handler', () => {
    expect(latency('multiserver', lseek) - latency('native', lseek)).toBe(2 * p.multiserver.ipcOneWay - trap)
  })

  it('adds the granted copy call for a payload larger than a message', () => {
    const extra = latency('multiserver', pread4k) - latency('native', pread4k)
    expect(extra).toBe(2 * p.multiserver.ipcOneWay + p.multiserver.safecopyCall - trap)
  })

  it('leaves getppid in the microkernel: a trap as on native', () => {
    const getppid: Call = (sys) => sys.getppid()
    expect(latency('multiserver', getppid)).toBe(latency('native', getppid))
  })
})

describe('multiserver placement', () => {
  function oneCall(placement: Placement) {
    const b = build('multiserver', placement)
    let core = -1
    b.system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open(FILE, O.RDWR | O.CREAT)).ret
      core = b.system.kernels[0].sched.running().findIndex((t) => t !== null && t.process.pid === sys.pid)
      yield* sys.fstat(fd)
      core = b.system.kernels[0].sched.running().findIndex((t) => t !== null && t.process.pid === sys.pid)
    })
    b.host.run()
    const ms = multiserverOf(b.system)
    return {b, ms, displaced: b.machine.cores[b.system.kernels[0].sched.cpus[core]].cacheState.displaced}
  }

  it('same-core switches address space twice per call and flushes the caller core d-TLB', () => {
    const {ms, displaced, b} = oneCall('same-core')
    expect(ms.stats.remoteCalls.storage).toBe(2)
    expect(ms.stats.addressSpaceSwitches).toBe(4)
    expect(ms.stats.ipis).toBe(0)
    expect(displaced.dtlb).toBeGreaterThanOrEqual(b.params.cache.dtlbEntries * 0.99)
  })

  it('dedicated runs the handler on a server core: no switch on the caller core, which stays warm', () => {
    const {ms, displaced, b} = oneCall('dedicated')
    expect(ms.stats.addressSpaceSwitches).toBe(0)
    expect(ms.stats.ipis).toBe(4)
    expect(displaced.dtlb + displaced.l1i + displaced.l1d + displaced.l2).toBe(0)
    const servers = b.system.kernels[1]
    const storageCores = ms.env.cores.storage
    expect(storageCores.some((c) => servers.sched.busyCycles(c) > 0)).toBe(true)
  })
})

describe('multiserver server crash', () => {
  for (const placement of ['same-core', 'dedicated'] as const) {
    it(`${placement}: a network-server crash fails the call in flight at once; socket() works again after the restart`, () => {
      const b = build('multiserver', placement)
      const ms = multiserverOf(b.system)
      const crashAt = 1_000_000
      const delay = 2_000_000
      const seen: {ret: number; at: number}[] = []
      b.system.spawnProcess(function* (sys) {
        const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
        yield* sys.bind(ls, {family: 'AF_INET', port: 7000})
        yield* sys.listen(ls, 4)
        ms.crashDomain('network', crashAt, delay)
        const a = yield* sys.accept(ls)
        seen.push({ret: a.ret, at: sys.now()})
        const during = yield* sys.socket('AF_INET', 'SOCK_STREAM')
        seen.push({ret: during.ret, at: sys.now()})
        expect((yield* sys.accept(ls)).ret).toBeLessThan(0) // the dead listener's fd: EBADF until closed
        expect((yield* sys.close(ls)).ret).toBe(0)
        yield* sys.sleep(crashAt + delay - sys.now())
        const again = yield* sys.socket('AF_INET', 'SOCK_STREAM')
        seen.push({ret: again.ret, at: sys.now()})
      })
      b.host.run()
      expect(seen[0].ret).toBeLessThan(0)
      expect(seen[0].at).toBeGreaterThanOrEqual(crashAt)
      expect(seen[0].at).toBeLessThan(crashAt + 20_000)
      expect(seen[1].ret).toBeLessThan(0)
      expect(seen[2].ret).toBeGreaterThanOrEqual(0)
      expect(ms.stats.failedByCrash).toBeGreaterThanOrEqual(1)
      b.system.checkInvariants()
    })
  }

  it('a storage-driver crash under a write-back: the file server re-issues the request after the restart', () => {
    const b = build('multiserver')
    const ms = multiserverOf(b.system)
    const delay = 5_000_000
    let crashAt = 0
    let done = {ret: -1, at: 0}
    b.system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open(FILE, O.RDWR | O.CREAT)).ret
      yield* sys.pwrite(fd, 64 * 1024, 0)
      crashAt = sys.now() + 100_000 // the write is at the disk (milliseconds)
      ms.crashDomain('storage', crashAt, delay)
      const r = yield* sys.fsync(fd)
      done = {ret: r.ret, at: sys.now()}
    })
    b.host.run()
    expect(done.ret).toBe(0)
    expect(ms.stats.reissuedBlockRequests).toBeGreaterThanOrEqual(1)
    expect(done.at).toBeGreaterThanOrEqual(crashAt + delay)
    b.system.checkInvariants()
  })
})

describe('multiserver as a design', () => {
  it('is registered and runs a small point of syscall-overhead, dearer than native for a remote call', () => {
    expect(dispatchPaths()).toContain('multiserver')
    const ctx = {seed: 1, quick: true, profile: loadProfile()}
    const point = {syscall: 'fstat', threads: 1}
    const ms = syscallOverhead.run(point, 'multiserver', ctx).metrics.latency_ns
    const native = syscallOverhead.run(point, 'native', ctx).metrics.latency_ns
    expect(ms).toBeGreaterThan(native)
  })
})
