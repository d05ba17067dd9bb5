import {describe, expect, it} from 'vitest'
import {O, POLL} from '../../../src/kernel/types.js'
import {Act} from '../../../src/kernel/ledger.js'
import {e5520Params} from '../../machine/fixture.js'
import {warmCycles} from '../../../src/machine/kernel-locality.js'
import {virtuosSystem} from './fixture.js'

const MiB = 1024 * 1024

function domainCalls(system: ReturnType<typeof virtuosSystem>['system'], name: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of system.callCounts()) if (c.name === name) out[c.domain] = c.issued
  return out
}

describe('virtuos routing', () => {
  it('sends each call class to its domain', () => {
    const {host, system} = virtuosSystem()
    system.spawnProcess(function* (sys) {
      yield* sys.open('/storage/a', O.CREAT | O.RDWR) // storage
      yield* sys.open('/tmp/b', O.CREAT | O.RDWR) // primary
      yield* sys.socket('AF_INET', 'SOCK_STREAM') // network
      yield* sys.socket('AF_UNIX', 'SOCK_STREAM') // primary
      yield* sys.getpid() // primary
      yield* sys.stat('/storage/a') // storage
    })
    host.run()
    expect(domainCalls(system, 'open')).toEqual({primary: 1, storage: 1})
    expect(domainCalls(system, 'socket')).toEqual({primary: 1, network: 1})
    expect(domainCalls(system, 'getpid')).toEqual({primary: 1})
    expect(domainCalls(system, 'stat')).toEqual({storage: 1})
    system.checkInvariants()
  })

  it('fd calls follow the fd: library slots map to domain-local fds; dup2 is a remote dup', () => {
    const {host, system, v} = virtuosSystem()
    const got: number[] = []
    system.spawnProcess(function* (sys) {
      const local = (yield* sys.open('/tmp/x', O.CREAT | O.RDWR)).ret
      const remote = (yield* sys.open('/storage/y', O.CREAT | O.RDWR)).ret
      got.push(local, remote)
      got.push((yield* sys.dup2(remote, 9)).ret)
      got.push((yield* sys.write(9, 100)).ret)
      got.push((yield* sys.fstat(remote)).stat!.size)
      got.push((yield* sys.read(77, 1)).ret)
      got.push(v.domains.storage.kernel.processes.get(sys.pid)!.fds.size) // the file and its dup, in the storage domain
    })
    host.run()
    expect(got).toEqual([0, 1, 9, 100, 100, -1, 2])
    expect(domainCalls(system, 'dup')).toEqual({storage: 1})
    expect(domainCalls(system, 'write')).toEqual({storage: 1})
    system.checkInvariants()
  })
})

describe('virtuos remote calls', () => {
  it('spin path: a short call is answered while the caller spins; no event channel either way', () => {
    const {host, system, v, params} = virtuosSystem()
    let took = 0
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      const t0 = sys.now()
      yield* sys.fstat(fd)
      took = sys.now() - t0
    })
    host.run()
    expect(v.stats.spinHits).toBe(2)
    expect(v.stats.sleeps).toBe(0)
    expect(v.stats.wakeEvents).toBe(0) // the worker was polling
    expect(v.stats.readyNotifications).toBe(0)
    // slower than the handler alone, well under the spin budget
    expect(took).toBeGreaterThan(v.domains.storage.kernel.handlerCycles('fstat'))
    expect(took).toBeLessThan(params.cpu.pause * 4000)
    system.checkInvariants()
  })

  it('sleep path: a disk read outlasts the spin; the caller blocks (rqueue_wait_notify) and is notified once', () => {
    const {host, system, v} = virtuosSystem()
    v.domains.storage.kernel.vfs.preload('/storage/big', MiB)
    let r = 0
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/big', O.RDONLY)).ret
      r = (yield* sys.pread(fd, 65536, 0)).ret
    })
    host.run()
    expect(r).toBe(65536)
    expect(v.stats.sleeps).toBe(1)
    expect(v.stats.readyEnqueues).toBe(1)
    expect(v.stats.readyNotifications).toBe(1) // a kernel thread slept on the queue
    system.checkInvariants()
  })

  it('wake word: after 5000 empty polls workers sleep and the next submitter sends one wake event', () => {
    const {host, system, v} = virtuosSystem()
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      yield* sys.fstat(fd) // workers polling: no wake
      yield* sys.sleep(50_000_000) // ~22 ms: far more than 5000 polls
      yield* sys.fstat(fd) // WAKE_REQUESTED: one ioctl + event channel
      yield* sys.fstat(fd) // the woken worker polls again: no wake
    })
    host.run()
    expect(v.stats.wakeEvents).toBe(1)
    expect(v.domains.storage.wake.wakesSent).toBe(1)
    expect(v.stats.workerSleeps).toBeGreaterThan(0)
    system.checkInvariants()
  })

  it('a woken call pays the wake event channel once: the send on the submitter, then the delivery in the domain', () => {
    // the latency of the call that sends the wake, with the send cost raised by `extra` cycles
    const wokenCall = (extra: number) => {
      const params = e5520Params()
      params.hypervisor.eventChannelSend += extra
      const {host, system, v} = virtuosSystem({}, params)
      let took = 0
      let wakes = 0
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
        yield* sys.fstat(fd)
        yield* sys.sleep(50_000_000) // the workers fall asleep
        const t0 = sys.now()
        wakes = -v.stats.wakeEvents
        yield* sys.fstat(fd) // sends the wake
        took = sys.now() - t0
        wakes += v.stats.wakeEvents
      })
      host.run()
      expect(wakes).toBe(1)
      return took
    }
    const extra = 1_000_000
    expect(wokenCall(extra) - wokenCall(0)).toBe(extra)
  })

  it('the wake handler in the service domain pays a wake-up per worker it wakes, as the primary side does', () => {
    const {host, system, v} = virtuosSystem()
    const storage = v.domains.storage
    // the interrupt work on the domain's cores, piece by piece with its activity (the declared observer)
    const pieces: {activity: number; cycles: number; at: number}[] = []
    storage.kernel.sched.observeInterrupts((_core, cycles, at, activity) => pieces.push({activity, cycles, at}))
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      yield* sys.fstat(fd)
      yield* sys.sleep(50_000_000)
      yield* sys.fstat(fd)
    })
    host.run()
    const p = storage.kernel.params
    // the upcall (an event channel's virtual interrupt), then one wake-up for the one worker woken
    const i = pieces.findIndex((x) => x.activity === Act.eventChannel && x.cycles === p.hypervisor.virqDelivery)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(pieces[i + 1]).toEqual({activity: Act.kernel, cycles: p.cpu.wakeup, at: pieces[i].at + pieces[i].cycles})
  })

  it('a polling worker holds its vCPU: the poll time is busy on the service core', () => {
    const {host, system, v} = virtuosSystem()
    const sched = v.domains.storage.kernel.sched
    let before = 0
    let after = 0
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      yield* sys.fstat(fd)
      before = sched.cpus.reduce((n, c) => n + sched.busyCycles(c), 0)
      yield* sys.sleep(50_000_000) // ~22 ms: the workers poll 5000 times, then sleep
      after = sched.cpus.reduce((n, c) => n + sched.busyCycles(c), 0)
    })
    host.run()
    // each polling worker held its vCPU through its 5000 polls
    const polls = v.domains.storage.ctx.vparams.emptyPollsBeforeWake * v.domains.storage.pollPeriod
    expect(after - before).toBeGreaterThanOrEqual(polls)
  })

  it('polling workers of different processes share the vCPUs by yielding: a serving worker waits at most a poll', () => {
    const {host, system, v} = virtuosSystem()
    const storage = v.domains.storage
    const sched = storage.kernel.sched
    const took: number[] = []
    // more processes than the storage domain has vCPUs, each with its own worker group
    for (let i = 0; i < sched.cpus.length + 2; i++) {
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open(`/storage/f${i}`, O.CREAT | O.RDWR)).ret
        for (let k = 0; k < 20; k++) {
          const t0 = sys.now()
          yield* sys.fstat(fd)
          took.push(sys.now() - t0)
          yield* sys.sleep(20_000)
        }
      })
    }
    host.run()
    // a woken or serving worker found the vCPUs held by pollers: they yielded to it
    expect(v.stats.pollYields).toBeGreaterThan(0)
    expect(storage.kernel.sched.addressSpaceSwitches).toBeGreaterThan(0)
    // and every call completed
    expect(took.length).toBe(20 * (sched.cpus.length + 2))
    system.checkInvariants()
  })

  it('a polling worker yields as a kernel thread: no trap (and no Xen bounce) per poll', () => {
    const {v} = virtuosSystem()
    const storage = v.domains.storage
    const p = storage.kernel.params
    const yieldWork = warmCycles(p, storage.kernel.footprint('sched_yield')) // a loop: warm on its core
    // the service kernel is PV, so a trap there would cost several hundred cycles each way
    expect(p.cpu.syscallEntry + p.cpu.syscallExit).toBeGreaterThan(yieldWork)
    expect(storage.pollPeriod).toBeLessThan(yieldWork + p.cpu.syscallEntry)
    expect(storage.pollPeriod).toBeGreaterThanOrEqual(yieldWork)
  })

  it('cuts a 10 MiB write into 4 MiB chunks, each its own request', () => {
    const {host, system, v} = virtuosSystem()
    let n = 0
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/w', O.CREAT | O.RDWR)).ret
      n = (yield* sys.write(fd, 10 * MiB)).ret
    })
    host.run()
    expect(n).toBe(10 * MiB)
    expect(v.stats.chunks).toBe(3)
    expect(domainCalls(system, 'write')).toEqual({storage: 3})
    system.checkInvariants()
  })
})

describe('virtuos M:N threads and worker groups', () => {
  it('M:N switching hides a remote call: one kernel thread runs another user thread meanwhile', () => {
    const run = (overlap: boolean) => {
      const {host, system, v} = virtuosSystem({kthreadsPerProcess: 1})
      v.domains.storage.kernel.vfs.preload('/storage/big', MiB)
      let end = 0
      system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/storage/big', O.RDONLY)).ret
        const reader = yield* sys.spawnThread(function* (s) {
          yield* s.pread(fd, 65536, 0)
        })
        if (!overlap) yield* sys.joinThread(reader)
        const worker = yield* sys.spawnThread(function* (s) {
          yield* s.compute(5_000_000)
        })
        yield* sys.joinThread(reader)
        yield* sys.joinThread(worker)
        end = sys.now()
      })
      host.run()
      system.checkInvariants()
      return {end, switches: v.stats.userSwitches, carriers: v.ctx.stats}
    }
    const serial = run(false)
    const overlapped = run(true)
    expect(overlapped.switches).toBeGreaterThan(0)
    expect(overlapped.end).toBeLessThan(serial.end)
  })

  it('worker pool grows by one per concurrently blocked call', () => {
    const {host, system, v} = virtuosSystem()
    for (let i = 0; i < 4; i++) v.domains.storage.kernel.vfs.preload(`/storage/f${i}`, MiB)
    const got: number[] = []
    system.spawnProcess(function* (sys) {
      const tids: number[] = []
      for (let i = 0; i < 4; i++) {
        tids.push(
          yield* sys.spawnThread(function* (s) {
            const fd = (yield* s.open(`/storage/f${i}`, O.RDONLY)).ret
            got.push((yield* s.pread(fd, 32768, 0)).ret)
          }),
        )
      }
      for (const t of tids) yield* sys.joinThread(t)
    })
    host.run()
    expect(got).toEqual([32768, 32768, 32768, 32768])
    expect(v.stats.workersSpawned).toBeGreaterThanOrEqual(5) // the first + one per blocked read
    system.checkInvariants()
  })

  it('entry exhaustion: with 2 entries, 6 concurrent callers yield and retry, and all succeed', () => {
    const {host, system, v} = virtuosSystem({entriesPerProcess: 2})
    for (let i = 0; i < 6; i++) v.domains.storage.kernel.vfs.preload(`/storage/f${i}`, MiB)
    const got: number[] = []
    system.spawnProcess(function* (sys) {
      const fds: number[] = []
      for (let i = 0; i < 6; i++) fds.push((yield* sys.open(`/storage/f${i}`, O.RDONLY)).ret)
      const tids: number[] = []
      for (let i = 0; i < 6; i++) {
        tids.push(
          yield* sys.spawnThread(function* (s) {
            got.push((yield* s.pread(fds[i], 4096, 0)).ret)
          }),
        )
      }
      for (const t of tids) yield* sys.joinThread(t)
    })
    host.run()
    expect(got).toEqual(Array(6).fill(4096))
    expect(v.stats.entryRetries).toBeGreaterThan(0)
    system.checkInvariants()
  })

  it('ready-queue notification only when a kernel thread sleeps on it', () => {
    const {host, system, v} = virtuosSystem({kthreadsPerProcess: 1})
    v.domains.storage.kernel.vfs.preload('/storage/big', MiB)
    const seen: number[] = []
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/big', O.RDONLY)).ret
      const t = yield* sys.spawnThread(function* (s) {
        yield* s.fstat(fd) // short: the lone kernel thread is still spinning on the queue
        seen.push(v.stats.readyEnqueues, v.stats.readyNotifications)
        yield* s.pread(fd, 4096, 0) // disk: the kernel thread gives up spinning and sleeps
        seen.push(v.stats.readyEnqueues, v.stats.readyNotifications)
      })
      yield* sys.joinThread(t)
    })
    host.run()
    expect(seen).toEqual([1, 0, 2, 1])
    system.checkInvariants()
  })
})

describe('virtuos processes', () => {
  it('fork: the child registers with the storage domain and inherits the remote fd', () => {
    const {host, system, v} = virtuosSystem()
    let childRead = -2
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/shared', O.CREAT | O.RDWR)).ret
      yield* sys.write(fd, 8192)
      const pid = (yield* sys.fork(function* (c) {
        childRead = (yield* c.pread(fd, 8192, 0)).ret
      })).ret
      yield* sys.wait(pid)
    })
    host.run()
    expect(childRead).toBe(8192)
    expect(v.stats.registrations).toBe(2)
    system.checkInvariants()
  })

  it('poll across domains: a local pipe and a storage file; then a remote wait ended by the local side', () => {
    const {host, system} = virtuosSystem()
    const out: number[][] = []
    system.spawnProcess(function* (sys) {
      const file = (yield* sys.open('/storage/p', O.CREAT | O.RDWR)).ret
      const pipe = (yield* sys.call('pipe', {})).fds!
      const r1 = yield* sys.poll(
        [
          {fd: pipe[0], events: POLL.IN},
          {fd: file, events: POLL.IN},
        ],
        -1,
      )
      out.push(r1.ready!.map((x) => x.fd))
      const sock = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.bind(sock, {family: 'AF_INET', host: 'server', port: 80})
      yield* sys.listen(sock, 4)
      const writer = yield* sys.spawnThread(function* (s) {
        yield* s.sleep(1_000_000)
        yield* s.write(pipe[1], 1)
      })
      const r2 = yield* sys.poll(
        [
          {fd: pipe[0], events: POLL.IN},
          {fd: sock, events: POLL.IN},
        ],
        -1,
      )
      out.push(r2.ready!.map((x) => x.fd))
      yield* sys.joinThread(writer)
    })
    host.run()
    expect(out[0]).toEqual([0]) // the storage file (slot 0) is readable, the empty pipe is not
    expect(out[1]).toEqual([1]) // the pipe's read end
    system.checkInvariants()
  })
})

describe('virtuos faults', () => {
  it('a storage crash answers calls in flight with EIO, stales its fds, spares others, and recovers', () => {
    const {host, system, v} = virtuosSystem()
    for (let i = 0; i < 3; i++) v.domains.storage.kernel.vfs.preload(`/storage/f${i}`, MiB)
    const inflight: string[] = []
    const after: (number | string)[] = []
    let bystander = 0
    const crashAt = 3_000_000
    v.crashDomain('storage', crashAt) // restarts 3 s later (the release's delay)
    system.spawnProcess(function* (sys) {
      const fds: number[] = []
      for (let i = 0; i < 3; i++) fds.push((yield* sys.open(`/storage/f${i}`, O.RDONLY)).ret)
      yield* sys.sleep(crashAt - sys.now() - 200_000) // the reads are at the disk when it crashes
      const tids: number[] = []
      for (let i = 0; i < 3; i++) {
        tids.push(
          yield* sys.spawnThread(function* (s) {
            const r = yield* s.pread(fds[i], 262144, 0)
            inflight.push(r.errno ?? String(r.ret))
          }),
        )
      }
      for (const t of tids) yield* sys.joinThread(t)
      after.push((yield* sys.read(fds[0], 10)).errno ?? 'ok') // stale fd
      after.push((yield* sys.open('/storage/f0', O.RDONLY)).errno ?? 'open during downtime?')
      yield* sys.sleep(3.1 * 2.26e9) // past the restart
      const fd = (yield* sys.open('/storage/f0', O.RDONLY)).ret
      after.push((yield* sys.pread(fd, 4096, 0)).ret)
      after.push((yield* sys.close(fds[1])).ret) // closing a stale fd frees the slot
    })
    system.spawnProcess(function* (sys) {
      for (let i = 0; i < 50; i++) {
        yield* sys.getpid()
        yield* sys.sleep(100_000)
        bystander++
      }
    })
    host.run()
    expect(inflight).toEqual(['EIO', 'EIO', 'EIO'])
    expect(after).toEqual(['EBADF', 'EIO', 4096, 0])
    expect(bystander).toBe(50)
    expect(v.stats.failedByCrash).toBe(3)
    expect(v.ctx.ledger.outstanding).toBe(0)
    system.checkInvariants()
  })
})
