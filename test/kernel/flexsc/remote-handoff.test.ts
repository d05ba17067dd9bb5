import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/index.js'
import {flexscOf, type FlexscLibC, type FlexscParams, type PostedCall} from '../../../src/kernel/flexsc/index.js'
import {buildSystem, type System} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
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
        for (const p of posted) if (p.entry.status === 'done') {
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
