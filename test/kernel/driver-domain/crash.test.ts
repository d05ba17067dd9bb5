import {describe, expect, it} from 'vitest'
import {driverDomainOf} from '../../../src/kernel/driver-domain/index.js'
import type {SyscallInterface} from '../../../src/kernel/syscalls/interface.js'
import {buildSystem} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

const KiB = 1024
const PORT = 5200

function driverDomain(clientHosts = 0) {
  const params = e5520Params()
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const system = buildSystem(host, machine, params, {system: 'driver-domain', clientHosts})
  const ms = (v: number) => Math.round((v * params.clockHz) / 1000)
  return {host, machine, params, system, b: driverDomainOf(system), ms}
}

describe('driver-domain crash', () => {
  it('loses the frames on its rings; the guest TCP sends them again after its RTO and the transfer completes', () => {
    const {host, system, b, ms, params} = driverDomain(1)
    const bytes = 256 * KiB
    const got = {bytes: 0, at: 0}
    let crashAt = 0
    system.spawnProcess(function* (sys: SyscallInterface) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: PORT})
      yield* sys.listen(ls, 4)
      const c = (yield* sys.accept(ls)).ret
      // crash while the first write's segments are on the netif rings
      crashAt = sys.now() + ms(0.05)
      b.crashDomain('network', crashAt, ms(5))
      yield* sys.write(c, bytes)
      yield* sys.close(c)
    })
    system.clients.spawn(0, function* (sys: SyscallInterface) {
      yield* sys.sleep(10_000)
      const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: PORT})
      for (;;) {
        const r = yield* sys.recv(s, 64 * KiB)
        if (r.ret <= 0) break
        got.bytes += r.ret
        got.at = sys.now()
      }
      yield* sys.close(s)
    })
    host.run()
    system.checkInvariants()
    expect(got.bytes).toBe(bytes)
    expect(b.outage.crashes).toBe(1)
    expect(b.crashScope('storage')).toEqual(['storage', 'network']) // one domain holds both devices
    expect(b.outage.lostTxFrames + b.outage.lostRxFrames).toBeGreaterThan(0)
    expect(b.guest.net.stats.retransmits).toBeGreaterThan(0)
    // the restart (5 ms) and the xenbus handshake are over long before the first RTO (200 ms)
    expect(b.outage.to - crashAt).toBe(ms(5) + params.driverDomain.xenbusReconnect)
    expect(got.at - crashAt).toBeGreaterThan(ms(195))
  })

  it('blkfront issues the request it had on the ring again once the restarted backend reconnects', () => {
    const {host, machine, system, b, ms, params} = driverDomain()
    b.guest.vfs.preload('/data/f', 64 * KiB)
    b.crashDomain('storage', ms(1), ms(50))
    let readAt = 0
    let got = -1
    let computeDoneAt = 0
    system.spawnProcess(function* (sys: SyscallInterface) {
      const fd = (yield* sys.open('/data/f', 0)).ret
      got = (yield* sys.read(fd, 4096)).ret // a cold read: at the disk when the crash comes
      readAt = sys.now()
    })
    system.spawnProcess(function* (sys: SyscallInterface) {
      yield* sys.compute(100_000)
      computeDoneAt = sys.now()
    })
    host.run()
    system.checkInvariants()
    expect(got).toBe(4096)
    expect(b.outage.reissuedBlkRequests).toBe(1)
    expect(readAt).toBeGreaterThan(ms(50) + params.driverDomain.xenbusReconnect)
    // the disk served the lost request and its re-issue: the first answer went nowhere
    expect(machine.disk.served).toBe(b.stats.blkRequests)
    expect(b.stats.blkRequests).toBe(2)
    // the guest kept running
    expect(computeDoneAt).toBeLessThan(ms(1))
  })

  it('block requests made while the backend is away wait in blkfront and go once it reconnects', () => {
    const {host, system, b, ms, params} = driverDomain()
    b.guest.vfs.preload('/data/f', 64 * KiB)
    b.crashDomain('storage', 0, ms(20))
    let readAt = 0
    system.spawnProcess(function* (sys: SyscallInterface) {
      yield* sys.sleep(ms(10))
      const fd = (yield* sys.open('/data/f', 0)).ret
      yield* sys.read(fd, 4096)
      readAt = sys.now()
    })
    host.run()
    system.checkInvariants()
    expect(b.outage.heldBlkRequests).toBe(1)
    expect(b.outage.reissuedBlkRequests).toBe(0)
    expect(readAt).toBeGreaterThan(ms(20) + params.driverDomain.xenbusReconnect)
  })
})
