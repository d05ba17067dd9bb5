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

/**
 * The multithreaded web server in small: several user threads of one core block in the handler
 * (a read of an empty pipe, as accept on the listening socket does) again and again, while others post
 * and complete short calls and a writer feeds the pipe a byte at a time. On the same core every
 * blocking handler runs on the carrier's CPU and moves the carrier role to a take-over thread,
 * often while that one still serves the remaining entries (which block too).
 */
function blockingMix(placement: 'same-core' | 'remote-core', readers: number, rounds: number, busy: number) {
  const {host, system} = flexsc({placement, userCores: [0]})
  const got: number[] = []
  const busyDone: number[] = []
  let writes = 0
  system.spawnProcess(function* (sys) {
    // one pipe per reader (several readers of one socket race in the kernel's recv: not this test)
    const pipes: [number, number][] = []
    for (let i = 0; i < readers; i++) pipes.push((yield* sys.call('pipe', {})).fds!)
    const reader = (rd: number): Program =>
      function* (s) {
        for (let r = 0; r < rounds; r++) expect((yield* s.read(rd, 1)).ret).toBe(1)
        got.push(s.now())
        return 0
      }
    const worker: Program = function* (s) {
      for (let i = 0; i < 30; i++) {
        expect((yield* s.getppid()).ret).toBeGreaterThanOrEqual(0)
        yield* s.compute(2_000)
      }
      busyDone.push(s.now())
      return 0
    }
    const writer: Program = function* (s) {
      for (let i = 0; i < readers * rounds; i++) {
        yield* s.call('nanosleep', {cycles: 20_000 + (i % 3) * 7_000})
        expect((yield* s.write(pipes[i % readers][1], 1)).ret).toBe(1)
        writes++
      }
      return 0
    }
    const tids: number[] = []
    for (let i = 0; i < readers; i++) tids.push(yield* sys.spawnThread(reader(pipes[i][0])))
    for (let i = 0; i < busy; i++) tids.push(yield* sys.spawnThread(worker))
    tids.push(yield* sys.spawnThread(writer))
    for (const tid of tids) expect(yield* sys.joinThread(tid)).toBe(0)
    return 0
  })
  host.run()
  system.checkInvariants()
  const f = flexscOf(system)
  const [proc] = f.processes.values()
  return {got, busyDone, writes, f, proc}
}

describe('FlexSC-Threads with handlers that block (accept-like)', () => {
  for (const placement of ['same-core', 'remote-core'] as const) {
    it(`${placement}: readers blocking on a pipe, busy threads and a writer share one core`, () => {
      const {got, busyDone, writes, f, proc} = blockingMix(placement, 6, 4, 3)
      expect(got).toHaveLength(6)
      expect(busyDone).toHaveLength(3)
      expect(writes).toBe(24)
      expect([...proc.threadCores.keys()]).toEqual([0])
      // every thread has ended: no one drives the carrier
      expect(proc.threadCores.get(0)!.carrierOwner).toBe('idle')
      // the reads block in the handler: take-over threads serve the rest
      expect(f.stats.handoffs).toBeGreaterThanOrEqual(6)
      if (placement === 'same-core') expect(proc.threadStats.carrierMoves).toBeGreaterThanOrEqual(6)
      else expect(proc.threadStats.carrierMoves).toBe(0)
      // the busy threads are not held up by the blocked readers (the writer needs ~24 sleeps)
      expect(Math.max(...busyDone)).toBeLessThan(Math.min(...got))
    })
  }

  it('same-core: many readers on one pipe, fed slowly, with others running (chained take-overs)', () => {
    const {got, busyDone, f, proc} = blockingMix('same-core', 12, 3, 4)
    expect(got).toHaveLength(12)
    expect(busyDone).toHaveLength(4)
    expect(f.stats.posts).toBe(f.stats.served)
    expect(proc.threadStats.carrierMoves).toBeGreaterThanOrEqual(12)
  })
})
