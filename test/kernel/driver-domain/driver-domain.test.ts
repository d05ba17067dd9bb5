import {describe, expect, it} from 'vitest'
import {driverDomainOf, DRIVER_DOMAIN, GUEST_DOMAIN} from '../../../src/kernel/driver-domain/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import {pvTrapEntry, pvTrapExit, trapEntry, trapExit} from '../../../src/machine/cost.js'
import {warmCycles} from '../../../src/machine/kernel-locality.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

function driverDomain(clientHosts = 0): {host: KernelTestHost; system: System} {
  const params = e5520Params()
  const host = new KernelTestHost()
  const system = buildSystem(host, new Machine(host, params), params, {system: 'driver-domain', clientHosts})
  return {host, system}
}

describe('driver-domain dispatch', () => {
  it('splits the cores by default: guest 0-3, driver domain 4-7 on the 8-core box', () => {
    const {system} = driverDomain()
    const b = driverDomainOf(system)
    expect(b.cores).toEqual({guest: [0, 1, 2, 3], driver: [4, 5, 6, 7]})
    expect(system.kernel(GUEST_DOMAIN)).toBe(b.guest)
    expect(system.kernel(DRIVER_DOMAIN)).toBe(b.driver)
  })

  it('a guest system call pays the PV trap (a bounce through Xen and a page-table switch each way)', () => {
    const {host, system} = driverDomain()
    const p = e5520Params()
    let cycles = 0
    system.spawnProcess(function* (sys) {
      yield* sys.getppid()
      const t0 = sys.now()
      yield* sys.getppid()
      cycles = sys.now() - t0
    })
    host.run()
    const handler = warmCycles(p, driverDomainOf(system).guest.footprint('getppid')) // it ran just before
    expect(pvTrapEntry(p) + pvTrapExit(p)).toBeGreaterThan(trapEntry(p) + trapExit(p))
    expect(cycles).toBeGreaterThanOrEqual(pvTrapEntry(p) + handler + pvTrapExit(p))
  })

  it('a cold disk read crosses the blkif ring: grant maps, event channels both ways, and costs more than native', () => {
    const read = (system: string) => {
      const params = e5520Params()
      const host = new KernelTestHost()
      const s = buildSystem(host, new Machine(host, params), params, {system, clientHosts: 0})
      s.kernels
        .find((k) => k.vfs.block && (k.domain === 'native' || k.domain === GUEST_DOMAIN))!
        .vfs.preload('/data/f', 64 * 1024)
      let took = 0
      let got = -1
      s.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/data/f', 0)).ret
        const t0 = sys.now()
        got = (yield* sys.read(fd, 16 * 1024)).ret
        took = sys.now() - t0
      })
      host.run()
      s.checkInvariants()
      return {took, got, s}
    }
    const dd = read('driver-domain')
    const native = read('native')
    expect(dd.got).toBe(16 * 1024)
    const st = driverDomainOf(dd.s).stats
    expect(st.blkRequests).toBeGreaterThan(0)
    expect(st.grantMaps).toBe(st.blkPages)
    expect(st.grantUnmaps).toBe(st.blkPages)
    expect(st.eventsToDriver).toBe(st.blkRequests)
    expect(st.eventsToGuest).toBe(st.blkRequests)
    expect(dd.took).toBeGreaterThan(native.took)
    expect(driverDomainOf(dd.s).blk.ring.inFlight).toBe(0)
  })

  it('a network send goes through netfront/netback with a grant copy per frame; replies come back through netback', () => {
    const {host, system} = driverDomain(1)
    let received = 0
    system.spawnProcess(function* (sys) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: 9000})
      yield* sys.listen(ls, 4)
      const c = (yield* sys.accept(ls)).ret
      yield* sys.send(c, 20_000)
      yield* sys.close(c)
      yield* sys.close(ls)
    })
    system.clients.spawn(0, function* (sys) {
      const fd = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.connect(fd, {family: 'AF_INET', host: 'server', port: 9000})
      for (;;) {
        const r = yield* sys.recv(fd, 65_536)
        if (r.ret <= 0) break
        received += r.ret
      }
      yield* sys.close(fd)
    })
    host.run()
    system.checkInvariants()
    const st = driverDomainOf(system).stats
    expect(received).toBe(20_000)
    expect(st.netTxFrames).toBeGreaterThanOrEqual(Math.ceil(20_000 / 1448))
    expect(st.netRxFrames).toBeGreaterThan(0)
    expect(st.grantCopies).toBe(st.netTxFrames + st.netRxFrames)
    expect(st.eventsToDriver).toBeGreaterThan(0)
    expect(st.eventsToDriver).toBeLessThanOrEqual(st.netTxFrames)
  })

  it('rejects a core split that gives a core to both domains', () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    expect(() =>
      buildSystem(host, new Machine(host, params), params, {
        system: 'driver-domain',
        driverDomain: {cores: {guest: [0, 1], driver: [1, 2]}},
      }),
    ).toThrow(/driverDomain.cores/)
  })
})
