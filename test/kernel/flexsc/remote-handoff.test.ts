import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/index.js'
import {flexscOf, type FlexscLibC, type FlexscParams, type PostedCall} from '../../../src/kernel/flexsc/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
import type {KThread} from '../../../src/kernel/process.js'
import {SyscallCore, type Waiter} from '../../../src/kernel/flexsc/syscall-core.js'
import {KernelTestHost} from '../host.js'

const i7 = loadProfile({config: 'configs/flexsc-i7.json'}).params

function flexsc(opts: Partial<FlexscParams>): {host: KernelTestHost; system: System} {
  const host = new KernelTestHost()
  const system = buildSystem(host, new Machine(host, i7), i7, {system: 'flexsc', clientHosts: 0, flexsc: opts})
  return {host, system}
}

describe('FlexSC remote placement: the pooled syscall thread and take-over threads', () => {
  it('a blocked pooled thread that returns while a take-over still serves finishes its entry and sleeps (no spin)', () => {
    const {host, system} = flexsc({placement: 'remote-core'})
    let done = 0
    system.spawnProcess(function* (sys) {
      const lib = sys as FlexscLibC
      const [, wr] = (yield* sys.call('pipe', {})).fds!
      const posted: PostedCall[] = []
      // the pooled thread blocks in the short sleep; the take-over copies 32 KiB into the pipe and
      // still has calls left when the sleeper returns
      posted.push((yield* lib.post('nanosleep', {cycles: 1_000}))!)
      posted.push((yield* lib.post('write', {fd: wr, bytes: 32 * 1024}))!)
      for (let i = 0; i < 8; i++) posted.push((yield* lib.post('getppid', {}))!)
      for (;;) {
        const open = posted.filter((p) => p.entry.status !== 'done' && p.entry.status !== 'free')
        if (open.length === 0) break
        yield* lib.flexscWait(open)
        for (const p of posted)
          if (p.entry.status === 'done') {
            expect((yield* lib.harvest(p)).ret).toBeGreaterThanOrEqual(0)
            done++
          }
      }
      // and the core keeps working afterwards
      expect((yield* sys.getppid()).ret).toBeGreaterThanOrEqual(0)
    })
    host.run()
    system.checkInvariants()
    expect(done).toBe(10)
    const f = flexscOf(system)
    expect(f.stats.handoffs).toBe(1)
    // pipe, the ten posted calls, the last getppid
    expect(f.stats.served).toBe(12)
  })
})

describe('FlexSC static list of syscall cores', () => {
  it('user cores are spread round-robin over the list, each syscall thread on its own listed core', () => {
    const {host, system} = flexsc({placement: 'remote-core', syscallCores: [2, 3]})
    const exec: number[] = []
    system.spawnProcess(function* (sys) {
      const lib = sys as FlexscLibC
      for (const core of [0, 1, 2, 3]) exec.push(lib.fprocess.coreFor(core).execCore)
      yield* sys.getppid()
    })
    host.run()
    // 0 -> 2, 1 -> 3; a listed core sends its calls to another listed core, never to itself
    expect(exec).toEqual([2, 3, 3, 2])
  })
})

/**
 * Where each syscall thread (pooled, take-over, extra) and carrier spends its cycles, while four
 * CPU-bound processes keep every core contended: a thread free to move takes whichever core frees up.
 */
function placements(placement: FlexscParams['placement'], threads: boolean) {
  const {host, system} = flexsc({placement, ...(placement === 'remote-core' ? {syscallCores: [3]} : {})})
  const sched = flexscOf(system).kernel.sched
  const ran = new Map<string, Set<number>>()
  // where a caller runs while it serves entries as its core's syscall thread (same core)
  const serving = new Map<KThread, number>()
  const asSyscallThread: [number, number][] = []
  const serve = SyscallCore.prototype.serve
  SyscallCore.prototype.serve = function* (x: KThread, owed?: Set<Waiter>) {
    const outer = serving.get(x)
    serving.set(x, this.execCore)
    try {
      yield* serve.call(this, x, owed)
    } finally {
      if (outer === undefined) serving.delete(x)
      else serving.set(x, outer)
    }
  }
  sched.observeSpend((t: KThread) => {
    const core = serving.get(t)
    if (core !== undefined && t.kind === 'user') asSyscallThread.push([core, t.cpu!])
    if (/^(syscall|flexsc-carrier)/.test(t.name)) {
      const key = `${t.name}#${t.tid}`
      if (!ran.has(key)) ran.set(key, new Set())
      ran.get(key)!.add(t.cpu!)
    }
  })
  let finished = 0
  system.spawnProcess(function* (sys) {
    const round = function* (lib: FlexscLibC) {
      // the syscall thread blocks in the sleep; a take-over serves the rest
      const calls = [['nanosleep', {cycles: 30_000}], ...Array.from({length: 6}, () => ['getppid', {}])] as const
      const results = yield* lib.batch(calls as never)
      expect(results.every((r) => r.ret >= 0)).toBe(true)
      finished++
    }
    if (threads) {
      const tid = yield* sys.spawnThread(function* (s) {
        for (let r = 0; r < 5; r++) yield* round(s as FlexscLibC)
        return 0
      })
      yield* sys.joinThread(tid)
    } else for (let r = 0; r < 5; r++) yield* round(sys as FlexscLibC)
  })
  for (let i = 0; i < 4; i++)
    system.spawnProcess(function* (sys) {
      for (let r = 0; r < 40; r++) yield* sys.compute(20_000)
    })
  try {
    host.run()
  } finally {
    SyscallCore.prototype.serve = serve
  }
  system.checkInvariants()
  return {ran, finished, stats: flexscOf(system).stats, asSyscallThread}
}

describe('FlexSC syscall threads are pinned to their core', () => {
  it('same core: take-over threads run only on the core whose calls they serve', () => {
    const {ran, finished, stats} = placements('same-core', false)
    expect(finished).toBe(5)
    expect(stats.handoffs).toBe(5)
    const takeovers = [...ran].filter(([k]) => k.startsWith('syscall-takeover'))
    expect(takeovers.length).toBe(5)
    // named syscall-takeover-<core whose pages it serves>#tid
    for (const [k, cores] of takeovers) expect([...cores]).toEqual([Number(/-(\d+)#/.exec(k)![1])])
  })

  it('same core: a caller serving its own entries runs on that core, also when its handler blocks and resumes', () => {
    const {asSyscallThread, finished} = placements('same-core', false)
    expect(finished).toBe(5)
    expect(asSyscallThread.length).toBeGreaterThan(10)
    for (const [core, ranOn] of asSyscallThread) expect(ranOn).toBe(core)
  })

  it('remote core: the pooled and take-over syscall threads run only on the listed core', () => {
    const {ran, finished, stats} = placements('remote-core', false)
    expect(finished).toBe(5)
    expect(stats.handoffs).toBeGreaterThanOrEqual(5)
    const sys = [...ran].filter(([k]) => k.startsWith('syscall'))
    expect(sys.length).toBeGreaterThanOrEqual(6)
    for (const [, cores] of sys) expect([...cores]).toEqual([3])
  })

  it('FlexSC-Threads: the carriers and their take-over successors stay on their cores', () => {
    const {ran, finished, stats} = placements('same-core', true)
    expect(finished).toBe(5)
    expect(stats.handoffs).toBeGreaterThanOrEqual(5)
    const carriers = [...ran].filter(([k]) => /carrier|takeover/.test(k))
    expect(carriers.length).toBeGreaterThanOrEqual(6)
    // named flexsc-carrier-<core>#tid / syscall-takeover-<core>#tid
    for (const [k, cores] of carriers) expect([...cores]).toEqual([Number(/-(\d+)#/.exec(k)![1])])
  })
})

describe('FlexSC batch with a call that blocks', () => {
  for (const placement of ['same-core', 'remote-core'] as const) {
    it(`${placement}: the others finish while the blocked call is still open, and the batch waits only for it`, () => {
      const {host, system} = flexsc({placement})
      let results: number[] = []
      system.spawnProcess(function* (sys) {
        const lib = sys as FlexscLibC
        const calls = [['nanosleep', {cycles: 200_000}], ...Array.from({length: 4}, () => ['getppid', {}])] as const
        results = (yield* lib.batch(calls as never)).map((r) => r.ret)
      })
      host.run()
      system.checkInvariants()
      expect(results).toHaveLength(5)
      expect(flexscOf(system).stats.handoffs).toBe(1)
    })
  }
})
