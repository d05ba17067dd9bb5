import {describe, expect, it} from 'vitest'
import {InvariantError} from '../../src/errors.js'
import {warmCycles} from '../../src/machine/kernel-locality.js'
import {cleanCacheState, defaultWorkingSet, pollute, userBurst} from '../../src/machine/indirect.js'
import type {SyscallInterface} from '../../src/kernel/syscalls/interface.js'
import {nativeSystem} from './fixture.js'

describe('native trap path', () => {
  it('getppid costs trap entry + the handler footprint (warm: it just ran on this core) + trap exit, exactly', () => {
    const {host, params, system} = nativeSystem()
    let took = -1
    let ppid = -1
    system.spawnProcess(function* (sys: SyscallInterface) {
      yield* sys.getppid() // the first call also pays the switch onto the core
      const t0 = sys.now()
      ppid = (yield* sys.getppid()).ret
      took = sys.now() - t0
    })
    host.run()
    expect(ppid).toBe(0)
    expect(took).toBe(
      params.cpu.syscallEntry + warmCycles(params, params.syscalls.defaultFootprint) + params.cpu.syscallExit,
    )
    system.checkInvariants()
  })

  it('leaves the indirect cost on the caller core: the next user compute runs slower by the model amount', () => {
    const {host, params, system} = nativeSystem()
    const n = 20_000
    let clean = 0
    let after = 0
    system.spawnProcess(function* (sys) {
      yield* sys.compute(n)
      let t = sys.now()
      yield* sys.compute(n)
      clean = sys.now() - t
      yield* sys.stat('/nowhere') // ENOENT, but the kernel path ran and left its footprint
      t = sys.now()
      yield* sys.compute(n)
      after = sys.now() - t
    })
    host.run()
    const ws = defaultWorkingSet(params)
    // the default footprint of getpid-like work before stat is tiny; model the state exactly:
    const polluted = pollute(params, cleanCacheState(), params.syscalls.footprints.stat, ws)
    const extra = userBurst(params, polluted, n, ws).extra
    expect(clean).toBe(Math.ceil(n / params.cpu.userIpc))
    expect(extra).toBeGreaterThan(0)
    expect(after - clean).toBe(extra)
  })

  it('counts calls issued and answered per name and domain', () => {
    const {host, system} = nativeSystem()
    system.spawnProcess(function* (sys) {
      yield* sys.getpid()
      yield* sys.getpid()
      yield* sys.close(42)
    })
    host.run()
    const counts = system.callCounts()
    expect(counts.find((c) => c.name === 'getpid')).toMatchObject({domain: 'native', issued: 2, answered: 2, errors: 0})
    expect(counts.find((c) => c.name === 'close')).toMatchObject({issued: 1, answered: 1, errors: 1})
  })

  it('checkInvariants catches a call issued but never answered', () => {
    const {host, system} = nativeSystem()
    system.spawnProcess(function* (sys) {
      yield* sys.getpid()
    })
    host.run()
    expect(() => system.checkInvariants()).not.toThrow()
    system.kernel('native').counters.issue('read')
    expect(() => system.checkInvariants()).toThrow(InvariantError)
  })

  it('runs threads of one process on several cores and joins them', () => {
    const {host, system} = nativeSystem({cores: 2})
    let joined: number[] = []
    let end = 0
    system.spawnProcess(function* (sys) {
      const tids: number[] = []
      for (let i = 0; i < 2; i++) {
        tids.push(
          yield* sys.spawnThread(function* (t) {
            yield* t.compute(1_000_000)
            return 10 + i
          }),
        )
      }
      joined = []
      for (const tid of tids) joined.push(yield* sys.joinThread(tid))
      end = sys.now()
    })
    host.run()
    expect(joined).toEqual([10, 11])
    // 3 threads on 2 cores, the main one blocked in join: the workers ran in parallel
    expect(end).toBeLessThan(1_500_000)
    system.checkInvariants()
  })
})

describe('processes', () => {
  it('fork runs the child with the parent as ppid and shared fds; wait4 reaps it after exit', () => {
    const {host, system} = nativeSystem()
    const seen: Record<string, number> = {}
    const order: string[] = []
    const parent = system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/tmp/log', 0o100 | 2)).ret
      const child = (yield* sys.fork(function* (c) {
        seen.childPpid = (yield* c.getppid()).ret
        seen.childWrite = (yield* c.write(fd, 100)).ret
        yield* c.compute(50_000)
        order.push('child exits')
        yield* c.exit(7)
        order.push('never')
      })).ret
      seen.child = child
      const w = yield* sys.wait(child)
      order.push('parent reaped')
      seen.reaped = w.ret
      seen.size = (yield* sys.fstat(fd)).stat!.size
      seen.again = (yield* sys.wait(child)).ret
    })
    host.run()
    expect(seen.childPpid).toBe(parent.pid)
    expect(seen.childWrite).toBe(100)
    expect(seen.reaped).toBe(seen.child)
    expect(seen.size).toBe(100)
    expect(seen.again).toBe(-1)
    expect(order).toEqual(['child exits', 'parent reaped'])
    system.checkInvariants()
  })

  it('exec replaces the program and keeps the pid', () => {
    const {host, system} = nativeSystem()
    const log: string[] = []
    system.spawnProcess(function* (sys) {
      const pid = (yield* sys.getpid()).ret
      yield* sys.exec(function* (s2) {
        log.push(`new image pid ${(yield* s2.getpid()).ret === pid}`)
      })
      log.push('not reached')
    })
    host.run()
    expect(log).toEqual(['new image pid true'])
  })

  it('futex: a waiter sleeps until woken; a stale value returns EAGAIN', () => {
    const {host, params, system} = nativeSystem({cores: 2})
    const log: string[] = []
    const proc = system.spawnProcess(function* (sys) {
      const waiter = yield* sys.spawnThread(function* (t) {
        const r = yield* t.futexWait(0x1000, 0)
        log.push(`woken ret=${r.ret} at ${t.now()}`)
      })
      yield* sys.compute(100_000)
      log.push(`stale ${(yield* sys.futexWait(0x1000, 5)).errno}`)
      const n = (yield* sys.futexWake(0x1000, 1)).ret
      log.push(`woke ${n}`)
      yield* sys.joinThread(waiter)
    })
    void proc
    host.run()
    // the waiter runs as soon as it is woken; the waker then pays the wake-up
    expect(log[0]).toBe('stale EAGAIN')
    expect(log[1]).toMatch(/^woken ret=0 at /)
    expect(log[2]).toBe('woke 1')
    expect(log).toHaveLength(3)
    void params
  })
})

describe("trivial calls (the profile's null footprint)", () => {
  it('native getppid/getsockopt on the E5520 profile cost the measured 58 ns round trip; read keeps its footprint', async () => {
    const {loadProfile} = await import('../../src/config/index.js')
    const {params} = loadProfile({})
    const {host, system} = nativeSystem({params})
    const took: Record<string, number> = {}
    system.spawnProcess(function* (sys: SyscallInterface) {
      const s = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      yield* sys.getppid() // the first call also pays the switch onto the core
      for (const [name, call] of [
        ['getppid', () => sys.getppid()],
        ['getsockopt', () => sys.call('getsockopt', {fd: s, level: 'SOL_SOCKET', name: 'SO_REUSEADDR'})],
      ] as const) {
        yield* call() // a loop: the handler has run on this core before
        const t0 = sys.now()
        yield* call()
        took[name] = sys.now() - t0
      }
    })
    host.run()
    // Sigoure: "Intel E5520: 58ns/syscall" (gettid in a loop): the warm end, within 5%
    const roundTrip = Math.round(58e-9 * params.clockHz)
    expect(Math.abs(took.getppid - roundTrip) / roundTrip).toBeLessThan(0.05)
    expect(took.getsockopt).toBe(took.getppid)
    const {callFootprint, workOf} = await import('../../src/kernel/footprints.js')
    expect(callFootprint(params, 'gettid')).toBe(params.syscalls.footprints.null)
    expect(callFootprint(params, workOf('read', 'file'))).toBe(params.syscalls.footprints.pread)
    expect(callFootprint(params, 'socket')).toBe(params.syscalls.defaultFootprint) // unknown cost: the default
  })
})

describe('footprints', () => {
  it('a call uses its own measured footprint, half of its measured pair, or the same-work call', async () => {
    const {callFootprint, workOf} = await import('../../src/kernel/footprints.js')
    const {e5520Params} = await import('../machine/fixture.js')
    const p = e5520Params()
    const fps = p.syscalls.footprints
    expect(callFootprint(p, 'stat')).toBe(fps.stat)
    expect(callFootprint(p, workOf('read', 'file'))).toBe(fps.pread)
    expect(callFootprint(p, workOf('write', 'file'))).toBe(fps.pwrite)
    expect(callFootprint(p, 'open').instructions).toBe(fps['open+close'].instructions / 2)
    expect(callFootprint(p, 'read')).toBe(p.syscalls.defaultFootprint) // read on no fd: unknown work
    expect(callFootprint(p, 'getppid')).toBe(p.syscalls.defaultFootprint)
  })
})

describe('exit_group', () => {
  it('exit() in one thread ends the others at their next call; wait4 sees the process gone', () => {
    const {host, system} = nativeSystem({cores: 2})
    const log: string[] = []
    system.spawnProcess(function* (sys) {
      const child = (yield* sys.fork(function* (c) {
        yield* c.spawnThread(function* (t) {
          for (let i = 0; ; i++) {
            yield* t.compute(10_000)
            if (i === 1000) log.push('worker still running')
          }
        })
        yield* c.compute(50_000)
        yield* c.exit(3)
      })).ret
      const w = yield* sys.wait(child)
      log.push(`reaped ${w.ret === child}`)
    })
    host.run()
    expect(log).toEqual(['reaped true'])
    system.checkInvariants()
  })
})
