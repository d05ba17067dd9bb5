import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/index.js'
import {flexscOf, type FlexscParams} from '../../../src/kernel/flexsc/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import type {Program} from '../../../src/kernel/types.js'
import {Machine} from '../../../src/machine/machine.js'
import {KernelTestHost} from '../host.js'

const i7 = loadProfile({config: 'configs/flexsc-i7.json'}).params

function flexsc(opts: Partial<FlexscParams>): {host: KernelTestHost; system: System} {
  const host = new KernelTestHost()
  const system = buildSystem(host, new Machine(host, i7), i7, {system: 'flexsc', clientHosts: 0, flexsc: opts})
  return {host, system}
}

/** `n` getppid calls; the time the last one returned. */
const getppids = (n: number, out: number[]): Program =>
  function* (sys) {
    for (let i = 0; i < n; i++) expect((yield* sys.getppid()).ret).toBeGreaterThanOrEqual(0)
    out.push(sys.now())
    return 0
  }

describe('FlexSC-Threads (M-on-N)', () => {
  it('4 user threads on one core: a call posts and switches to another thread; flexsc_wait only when none is ready', () => {
    const {host, system} = flexsc({placement: 'same-core', userCores: [0]})
    const done: number[] = []
    const codes: number[] = []
    system.spawnProcess(function* (sys) {
      const tids = []
      for (let t = 0; t < 3; t++) tids.push(yield* sys.spawnThread(getppids(40, done)))
      yield* getppids(40, done)(sys)
      for (const tid of tids) codes.push(yield* sys.joinThread(tid))
      return 0
    })
    host.run()
    system.checkInvariants()
    const f = flexscOf(system)
    const [proc] = f.processes.values()
    expect(done).toHaveLength(4)
    expect(codes).toEqual([0, 0, 0])
    expect(f.stats.posts).toBe(160)
    expect(f.stats.served).toBe(160)
    // every thread on core 0: one carrier, switching at user level instead of trapping per call
    expect([...proc.threadCores.keys()]).toEqual([0])
    expect(proc.threadStats.switches).toBeGreaterThanOrEqual(120)
    // one flexsc_wait serves the calls of all four threads: about one per 4 calls, never one per call
    expect(proc.threadStats.waits).toBeLessThanOrEqual(50)
    expect(f.stats.waits).toBe(proc.threadStats.waits)
    expect(f.stats.batches).toBeLessThanOrEqual(50)
  })

  it('a thread alone on its core with nothing ready falls back to flexsc_wait for each call', () => {
    const {host, system} = flexsc({placement: 'same-core'})
    const done: number[] = []
    system.spawnProcess(function* (sys) {
      // spread over the four cores: each thread is alone on its carrier
      const tids = []
      for (let t = 0; t < 3; t++) tids.push(yield* sys.spawnThread(getppids(10, done)))
      for (const tid of tids) yield* sys.joinThread(tid)
      return 0
    })
    host.run()
    system.checkInvariants()
    const [proc] = flexscOf(system).processes.values()
    expect(done).toHaveLength(3)
    expect(proc.threadCores.size).toBeGreaterThanOrEqual(3)
    expect(proc.threadStats.waits).toBeGreaterThanOrEqual(30)
  })

  for (const placement of ['same-core', 'remote-core'] as const) {
    it(`${placement}: a blocking call in one user thread does not stall the others on its core`, () => {
      const {host, system} = flexsc({placement, userCores: [0]})
      const fastDone: number[] = []
      let slowDone = -1
      system.spawnProcess(function* (sys) {
        const slow = yield* sys.spawnThread(function* (s) {
          yield* s.call('nanosleep', {cycles: 2_000_000})
          slowDone = s.now()
          return 0
        })
        const fast = yield* sys.spawnThread(getppids(50, fastDone))
        yield* sys.joinThread(slow)
        yield* sys.joinThread(fast)
        return 0
      })
      host.run()
      system.checkInvariants()
      const [proc] = flexscOf(system).processes.values()
      expect(fastDone).toHaveLength(1)
      expect(slowDone).toBeGreaterThanOrEqual(2_000_000)
      // the 50 fast calls finish long before the sleeping call returns
      expect(fastDone[0]).toBeLessThan(1_000_000)
      expect(flexscOf(system).stats.handoffs).toBeGreaterThanOrEqual(1)
      // on the same core the handler blocked on the carrier's CPU: the carrier role moved on
      if (placement === 'same-core') expect(proc.threadStats.carrierMoves).toBeGreaterThanOrEqual(1)
      else expect(proc.threadStats.carrierMoves).toBe(0)
    })
  }

  it('single-threaded processes keep the 1:1 path (no carrier, no user-level scheduler)', () => {
    const {host, system} = flexsc({placement: 'same-core'})
    const done: number[] = []
    system.spawnProcess(getppids(5, done))
    host.run()
    const [proc] = flexscOf(system).processes.values()
    expect(done).toHaveLength(1)
    expect(proc.threadCores.size).toBe(0)
    expect(flexscOf(system).stats.waits).toBe(5)
  })

  it('rejects a user core the kernel does not have', () => {
    expect(() => flexsc({userCores: [9]})).toThrow(/flexsc.userCores/)
  })
})
