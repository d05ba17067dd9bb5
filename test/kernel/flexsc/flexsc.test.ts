import {describe, expect, it} from 'vitest'
import {flexscOf, type FlexscLibC, type FlexscParams} from '../../../src/kernel/flexsc/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import type {SyscallArgs, SyscallName, SyscallResult} from '../../../src/kernel/types.js'
import {ipi} from '../../../src/machine/cost.js'
import {Machine} from '../../../src/machine/machine.js'
import type {MachineParams} from '../../../src/machine/params.js'
import {loadProfile} from '../../../src/config/index.js'
import {KernelTestHost} from '../host.js'

type Call = readonly [SyscallName, SyscallArgs]
const GETPPID: Call = ['getppid', {}]
/** FlexSC's own testbed profile (its null footprint makes getppid a trivial handler). */
const i7 = loadProfile({config: 'configs/flexsc-i7.json'}).params

function flexsc(flexscOpts: Partial<FlexscParams> = {}): {host: KernelTestHost; system: System; params: MachineParams} {
  const params = i7
  const host = new KernelTestHost()
  const system = buildSystem(host, new Machine(host, params), params, {
    system: 'flexsc',
    clientHosts: 0,
    flexsc: flexscOpts,
  })
  return {host, system, params}
}

/** Cycles per call of `rounds` batches of `batch` getppid calls (after one warm-up round). */
function perCall(batch: number, placement: FlexscParams['placement'], rounds = 20) {
  const {host, system, params} = flexsc({placement})
  let t0 = 0
  let t1 = 0
  system.spawnProcess(function* (sys) {
    const lib = sys as FlexscLibC
    yield* lib.batch(Array.from({length: batch}, () => GETPPID))
    t0 = sys.now()
    for (let r = 0; r < rounds; r++) yield* lib.batch(Array.from({length: batch}, () => GETPPID))
    t1 = sys.now()
  })
  host.run()
  system.checkInvariants()
  return {cycles: (t1 - t0) / (rounds * batch), stats: flexscOf(system).stats, params}
}

describe('flexsc dispatch', () => {
  it('batching amortises the flexsc_wait trap and the switch to the syscall thread', () => {
    const one = perCall(1, 'same-core')
    const many = perCall(32, 'same-core')
    expect(many.cycles).toBeLessThan(one.cycles / 2)
    // one wait per batch, each entry served once
    expect(many.stats.waits).toBe(21)
    expect(many.stats.served).toBe(21 * 32)
    expect(one.stats.ipis).toBe(0)
  })

  it('a lone remote call pays two cross-core wakes: the caller wakes the syscall thread, the syscall thread wakes the caller', () => {
    const r = perCall(1, 'remote-core')
    // per round: one IPI to the syscall thread's idle core, one back to the caller's
    expect(r.stats.ipis).toBe(42)
    expect(r.stats.wakeups).toBe(21)
    const wake = r.params.cpu.wakeup + ipi(r.params)
    expect(r.cycles).toBeGreaterThanOrEqual(2 * wake)
    // the rest (trap, entries, handler, harvest) is a few hundred cycles, not another wake
    expect(r.cycles).toBeLessThan(2 * wake + 1000)
  })

  it('same core: flexsc_wait only switches to the syscall thread, whose dispatch loop scans the entries', () => {
    const base = perCall(1, 'same-core')
    const {host, system} = flexsc({placement: 'same-core', waitInstructions: 500})
    let t0 = 0
    let t1 = 0
    system.spawnProcess(function* (sys) {
      const lib = sys as FlexscLibC
      yield* lib.batch([GETPPID])
      t0 = sys.now()
      for (let r = 0; r < 20; r++) yield* lib.batch([GETPPID])
      t1 = sys.now()
    })
    host.run()
    expect((t1 - t0) / 20).toBe(base.cycles)
    // one call = the trap of flexsc_wait, two in-kernel switches, post, dispatch, handler, harvest
    const p = base.params
    const sync = p.cpu.syscallEntry + p.cpu.syscallExit
    expect(base.cycles).toBeGreaterThan(sync)
    expect(base.cycles).toBeLessThan(sync + 200)
  })

  it('a take-over thread carries the wake-ups its blocked predecessor owed: a caller is not held past its own call', () => {
    const {host, system} = flexsc({placement: 'remote-core'})
    let fastAt = -1
    system.spawnProcess(function* (sys) {
      const lib = sys as FlexscLibC
      // the syscall thread finishes `fast` (its caller asleep), then blocks in `slow`
      const fast = (yield* lib.post('getppid', {}))!
      const slow = (yield* lib.post('nanosleep', {cycles: 2_000_000}))!
      while (fast.entry.status !== 'done') yield* lib.flexscWait([fast])
      fastAt = sys.now()
      yield* lib.harvest(fast)
      while (slow.entry.status !== 'done') yield* lib.flexscWait([slow])
      yield* lib.harvest(slow)
    })
    host.run()
    system.checkInvariants()
    expect(flexscOf(system).stats.handoffs).toBe(1)
    expect(fastAt).toBeGreaterThan(0)
    expect(fastAt).toBeLessThan(100_000)
  })

  it('a syscall thread that blocks hands the core to another; the calls behind it finish first', () => {
    const {host, system} = flexsc({placement: 'remote-core'})
    const results: SyscallResult[] = []
    const doneAt: number[] = []
    system.spawnProcess(function* (sys) {
      const lib = sys as FlexscLibC
      const slow = (yield* lib.post('nanosleep', {cycles: 2_000_000}))!
      const fast = (yield* lib.post('getppid', {}))!
      while (fast.entry.status !== 'done') yield* lib.flexscWait([slow, fast])
      doneAt.push(sys.now())
      expect(slow.entry.status).not.toBe('done')
      results.push(yield* lib.harvest(fast))
      while (slow.entry.status !== 'done') yield* lib.flexscWait([slow])
      doneAt.push(sys.now())
      results.push(yield* lib.harvest(slow))
    })
    host.run()
    system.checkInvariants()
    expect(flexscOf(system).stats.handoffs).toBe(1)
    expect(results).toHaveLength(2)
    expect(results.every((r) => r.ret >= 0)).toBe(true)
    expect(doneAt[0]).toBeLessThan(2_000_000)
    expect(doneAt[1]).toBeGreaterThanOrEqual(2_000_000)
  })

  it('more calls than the core has entries: posts wait for free ones, and every call is answered', () => {
    const {host, system} = flexsc({pagesPerCore: 1})
    let results: SyscallResult[] = []
    system.spawnProcess(function* (sys) {
      results = yield* (sys as FlexscLibC).batch(Array.from({length: 100}, () => GETPPID))
    })
    host.run()
    system.checkInvariants()
    expect(results).toHaveLength(100)
    expect(results.every((r) => r.ret > -1)).toBe(true)
    expect(flexscOf(system).stats.exhaustions).toBeGreaterThan(0)
    for (const p of flexscOf(system).processes.values())
      for (const sc of p.cores.values()) expect(sc.pages.census().free).toBe(64)
  })

  it('ordinary programs run through the same handlers: files, threads, exit code', () => {
    const {host, system} = flexsc()
    let read = -1
    let joined = -1
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/tmp/f', 0o102)).ret
      yield* sys.write(fd, 10_000)
      yield* sys.lseek(fd, 0, 0)
      read = (yield* sys.read(fd, 4096)).ret
      const tid = yield* sys.spawnThread(function* (s) {
        yield* s.getppid()
        return 7
      })
      joined = yield* sys.joinThread(tid)
      return 0
    })
    host.run()
    system.checkInvariants()
    expect(read).toBe(4096)
    expect(joined).toBe(7)
  })

  it('rejects bad parameters with a usage error naming the key', () => {
    expect(() => flexsc({syscallCores: [99]})).toThrow(/flexsc.syscallCores/)
    expect(() => flexsc({placement: 'nowhere' as never})).toThrow(/flexsc.placement/)
  })
})
