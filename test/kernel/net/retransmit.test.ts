import {describe, expect, it} from 'vitest'
import type {NetStack} from '../../../src/kernel/net/stack.js'
import type {SyscallInterface} from '../../../src/kernel/syscalls/interface.js'
import {nativeSystem} from '../fixture.js'

const PORT = 5100
const KiB = 1024

/**
 * A lossy link out of `stack` through its declared wire egress: `drop(i)` says whether the i-th
 * segment (0-based) it sends is lost. Records when each segment left and when the stack had
 * counted a retransmission by then.
 */
function lossyEgress(stack: NetStack, drop: (i: number, now: number) => boolean) {
  const log: {at: number; resent: boolean; dropped: boolean}[] = []
  let seen = 0
  stack.setEgress({
    txCost: () => 0,
    send(put) {
      const at = stack.kernel.sim.now
      const resent = stack.stats.retransmits > seen
      seen = stack.stats.retransmits
      const dropped = drop(log.length, at)
      log.push({at, resent, dropped})
      if (!dropped) put()
    },
  })
  return log
}

/** The server sends `bytes` to a client that reads them all; returns what the client got and when. */
function transfer(bytes: number, lossy: (net: NetStack) => ReturnType<typeof lossyEgress>) {
  const {host, params, system} = nativeSystem()
  const server = system.kernels[0].net
  const log = lossy(server)
  const got = {bytes: 0, at: 0, connectedAt: 0}
  system.spawnProcess(function* (sys: SyscallInterface) {
    const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
    yield* sys.bind(ls, {family: 'AF_INET', port: PORT})
    yield* sys.listen(ls, 4)
    const c = (yield* sys.accept(ls)).ret
    yield* sys.write(c, bytes)
    yield* sys.close(c)
  })
  system.clients.spawn(0, function* (sys: SyscallInterface) {
    yield* sys.sleep(10_000)
    const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
    yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: PORT})
    got.connectedAt = sys.now()
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
  const ms = (cycles: number) => (cycles * 1000) / params.clockHz
  return {got, log, server, ms, params}
}

describe('TCP retransmission', () => {
  it('a lost data segment is sent again after the RTO (TCP_RTO_MIN on a LAN) and the transfer completes', () => {
    const bytes = 64 * KiB
    const lossless = transfer(bytes, (net) => lossyEgress(net, () => false))
    // the handshake's SYN-ACK is segment 0; the first data segment is 1
    const lossy = transfer(bytes, (net) => lossyEgress(net, (i) => i === 1))
    expect(lossless.server.stats.retransmits).toBe(0)
    expect(lossy.got.bytes).toBe(bytes)
    expect(lossy.server.stats.retransmits).toBeGreaterThanOrEqual(1)
    const resent = lossy.log.find((e) => e.resent)!
    const lost = lossy.log[1]
    // the timer fires one RTO (srtt + max(4 rttvar, 200 ms), on a tick) after the lost segment
    const waited = lossy.ms(resent.at - lost.at)
    expect(waited).toBeGreaterThanOrEqual(200 - 4)
    expect(waited).toBeLessThan(210)
    expect(lossy.ms(lossy.got.at)).toBeGreaterThan(lossless.ms(lossless.got.at) + 190)
  })

  it('while everything is lost the RTO doubles at every expiry; the connection survives the outage', () => {
    const bytes = 16 * KiB
    // a 1.5 s outage from the first data segment on
    let from = -1
    const outage = (i: number, now: number, cps: number) => {
      if (i === 1) from = now
      return from >= 0 && now - from < 1.5 * cps
    }
    const {got, log, ms} = transfer(bytes, (net) =>
      lossyEgress(net, (i, now) => outage(i, now, net.kernel.params.clockHz)),
    )
    expect(got.bytes).toBe(bytes)
    const resends = log.filter((e) => e.resent).map((e) => e.at)
    expect(resends.length).toBeGreaterThanOrEqual(4)
    const gaps = resends.slice(1, 4).map((t, i) => ms(t - resends[i]))
    // 200, 400, 800 ms after the first expiry (each on a 4 ms tick)
    for (let i = 1; i < gaps.length; i++) expect(gaps[i] / gaps[i - 1]).toBeCloseTo(2, 1)
    expect(ms(resends[0] - log[1].at)).toBeLessThan(210)
  })

  it('a lost SYN is sent again after TCP_TIMEOUT_INIT (1 s): connect() just takes longer', () => {
    const {host, params, system} = nativeSystem()
    const client = system.clients.hosts[0].kernel.net
    const log = lossyEgress(client, (i) => i === 0)
    let connectedAt = -1
    let startedAt = 0
    system.spawnProcess(function* (sys: SyscallInterface) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: PORT})
      yield* sys.listen(ls, 4)
      const c = (yield* sys.accept(ls)).ret
      yield* sys.close(c)
      yield* sys.close(ls)
    })
    system.clients.spawn(0, function* (sys: SyscallInterface) {
      yield* sys.sleep(10_000)
      const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      startedAt = sys.now()
      const r = yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: PORT})
      if (r.ret === 0) connectedAt = sys.now()
      yield* sys.close(s)
    })
    host.run()
    const seconds = (connectedAt - startedAt) / params.clockHz
    expect(connectedAt).toBeGreaterThan(0)
    expect(client.stats.retransmits).toBe(1)
    expect(log[0].dropped).toBe(true)
    expect(seconds).toBeGreaterThan(0.99)
    expect(seconds).toBeLessThan(1.01)
  })

  it("a lost handshake ACK: the client's first data segment completes the connection on the server", () => {
    const {host, system} = nativeSystem()
    const client = system.clients.hosts[0].kernel.net
    lossyEgress(client, (i) => i === 1) // SYN goes, the ACK of the SYN-ACK is lost
    let got = 0
    system.spawnProcess(function* (sys: SyscallInterface) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: PORT})
      yield* sys.listen(ls, 4)
      const c = (yield* sys.accept(ls)).ret
      got = (yield* sys.recv(c, 100)).ret
      yield* sys.close(c)
      yield* sys.close(ls)
    })
    system.clients.spawn(0, function* (sys: SyscallInterface) {
      yield* sys.sleep(10_000)
      const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: PORT})
      yield* sys.send(s, 100)
      yield* sys.close(s)
    })
    host.run()
    expect(got).toBe(100)
    expect(system.kernels[0].net.stats.connections).toBe(1)
  })
})
