import {describe, expect, it} from 'vitest'
import {EPOLL_CTL, POLL} from '../../src/kernel/types.js'
import {nativeSystem} from './fixture.js'

describe('poll, select, epoll, eventfd', () => {
  it('poll sleeps until an eventfd is written, then reports it readable', () => {
    const {host, system} = nativeSystem()
    const log: string[] = []
    system.spawnProcess(function* (sys) {
      const efd = (yield* sys.eventfd(0)).ret
      const writer = yield* sys.spawnThread(function* (t) {
        yield* t.sleep(1_000_000)
        log.push('write')
        yield* t.write(efd, 8)
      })
      const r = yield* sys.poll([{fd: efd, events: POLL.IN}], -1)
      log.push(`poll ${r.ret} ${r.ready?.[0].revents} at>=1e6 ${sys.now() >= 1_000_000}`)
      const rd = yield* sys.read(efd, 8)
      log.push(`read ${rd.ret}`)
      const again = yield* sys.poll([{fd: efd, events: POLL.IN}], 0)
      log.push(`poll0 ${again.ret}`)
      yield* sys.joinThread(writer)
    })
    host.run()
    expect(log).toEqual(['write', `poll 1 ${POLL.IN} at>=1e6 true`, 'read 8', 'poll0 0'])
  })

  it('poll times out with 0 ready at the deadline; a bad fd is POLLNVAL', () => {
    const {host, system} = nativeSystem()
    const r: Record<string, number> = {}
    system.spawnProcess(function* (sys) {
      const efd = (yield* sys.eventfd(0)).ret
      const t0 = sys.now()
      r.ret = (yield* sys.poll([{fd: efd, events: POLL.IN}], 500_000)).ret
      r.waited = sys.now() - t0
      const bad = yield* sys.poll([{fd: 99, events: POLL.IN}], -1)
      r.nval = bad.ready![0].revents
    })
    host.run()
    expect(r.ret).toBe(0)
    expect(r.waited).toBeGreaterThanOrEqual(500_000)
    expect(r.waited).toBeLessThan(520_000)
    expect(r.nval).toBe(POLL.NVAL)
  })

  it('epoll_wait reports the connection that has data, level-triggered, and the listener on connect', () => {
    const {host, system} = nativeSystem()
    const log: string[] = []
    system.spawnProcess(function* (sys) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: 8080})
      yield* sys.listen(ls, 8)
      const ep = (yield* sys.epollCreate()).ret
      yield* sys.epollCtl(ep, EPOLL_CTL.ADD, ls, POLL.IN)
      let ev = yield* sys.epollWait(ep, 8, -1)
      log.push(`listener ready ${ev.ready?.map((e) => e.fd).join()}`)
      const c = (yield* sys.accept(ls)).ret
      yield* sys.epollCtl(ep, EPOLL_CTL.ADD, c, POLL.IN)
      ev = yield* sys.epollWait(ep, 8, -1)
      log.push(`conn ready ${ev.ready?.map((e) => e.fd).join() === String(c)}`)
      // level-triggered: still ready until read
      ev = yield* sys.epollWait(ep, 8, 0)
      log.push(`still ${ev.ret}`)
      yield* sys.recv(c, 1000)
      ev = yield* sys.epollWait(ep, 8, 0)
      log.push(`after read ${ev.ret}`)
      log.push(`dup add ${(yield* sys.epollCtl(ep, EPOLL_CTL.ADD, c, POLL.IN)).errno}`)
    })
    system.clients.spawn(0, function* (sys) {
      yield* sys.sleep(200_000)
      const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: 8080})
      yield* sys.sleep(2_000_000)
      yield* sys.send(s, 500)
      yield* sys.sleep(5_000_000)
      yield* sys.close(s)
    })
    host.run()
    expect(log).toEqual(['listener ready 0', 'conn ready true', 'still 1', 'after read 0', 'dup add EEXIST'])
    system.checkInvariants()
  })

  it('select over a pipe: readable once written', () => {
    const {host, system} = nativeSystem()
    const r: Record<string, unknown> = {}
    system.spawnProcess(function* (sys) {
      const p = yield* sys.call('pipe', {})
      const [rd, wr] = p.fds!
      r.before = (yield* sys.select([rd], [wr], 0)).ready?.map((e) => e.fd)
      yield* sys.write(wr, 100)
      r.after = (yield* sys.select([rd], [], 0)).ready?.map((e) => e.fd)
      r.read = (yield* sys.read(rd, 1000)).ret
      r.bad = (yield* sys.select([42], [], 0)).errno
    })
    host.run()
    expect(r).toEqual({before: [1], after: [0], read: 100, bad: 'EBADF'})
  })
})

describe('an epoll server under many clients', () => {
  it('serves every request of 20 concurrent connections exactly once', () => {
    const {host, system} = nativeSystem()
    let served = 0
    let answered = 0
    system.spawnProcess(function* (sys) {
      const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(ls, {family: 'AF_INET', port: 80})
      yield* sys.listen(ls, 128)
      const ep = (yield* sys.epollCreate()).ret
      yield* sys.epollCtl(ep, EPOLL_CTL.ADD, ls, POLL.IN)
      let open = 0
      let accepted = 0
      while (accepted < 20 || open > 0) {
        const ev = yield* sys.epollWait(ep, 64, -1)
        for (const {fd} of ev.ready ?? []) {
          if (fd === ls) {
            const c = (yield* sys.accept(ls)).ret
            yield* sys.epollCtl(ep, EPOLL_CTL.ADD, c, POLL.IN)
            accepted++
            open++
            continue
          }
          const r = yield* sys.recv(fd, 200)
          if (r.ret <= 0) {
            yield* sys.epollCtl(ep, EPOLL_CTL.DEL, fd, 0)
            yield* sys.close(fd)
            open--
            continue
          }
          for (let got = r.ret; got % 200 !== 0;) got += (yield* sys.recv(fd, 200 - (got % 200))).ret
          served++
          yield* sys.compute(20_000)
          yield* sys.send(fd, 2000)
        }
      }
    })
    for (let i = 0; i < 20; i++) {
      system.clients.spawn(0, function* (sys) {
        yield* sys.sleep(10_000 * (i + 1))
        const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
        yield* sys.connect(s, {family: 'AF_INET', host: 'server', port: 80})
        for (let k = 0; k < 5; k++) {
          yield* sys.send(s, 200)
          let n = 0
          while (n < 2000) n += (yield* sys.recv(s, 2000 - n)).ret
          answered++
        }
        yield* sys.close(s)
      })
    }
    host.run()
    expect(served).toBe(100)
    expect(answered).toBe(100)
    system.checkInvariants()
  })
})
