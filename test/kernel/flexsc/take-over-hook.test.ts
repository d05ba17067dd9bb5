/** SyscallCore.setTakeOverHook: FlexSC-Threads' port into take-overs (one registration per core). */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../../src/config/index.js'
import {flexscOf} from '../../../src/kernel/flexsc/index.js'
import {buildSystem} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
import {KernelTestHost} from '../host.js'

const i7 = loadProfile({config: 'configs/flexsc-i7.json'}).params

describe('FlexSC take-over hook', () => {
  it('a process turning FlexSC-Threads registers the hook on its cores; a second registration is refused', () => {
    const host = new KernelTestHost()
    const system = buildSystem(host, new Machine(host, i7), i7, {
      system: 'flexsc',
      clientHosts: 0,
      flexsc: {placement: 'same-core', userCores: [0]},
    })
    const {pid} = system.spawnProcess(function* (sys) {
      const tid = yield* sys.spawnThread(function* (s) {
        yield* s.getppid()
        return 0
      })
      yield* sys.joinThread(tid)
      return 0
    })
    const plain = system.spawnProcess(function* (sys) {
      yield* sys.getppid()
      return 0
    })
    host.run()
    const procs = flexscOf(system).processes
    const threaded = procs.get(pid)!
    expect(threaded.threadCores.size).toBeGreaterThan(0)
    for (const core of threaded.threadCores.keys()) {
      expect(() => threaded.coreFor(core).setTakeOverHook(() => null)).toThrow(/take-over hook already/)
    }
    // a 1:1 process has no FlexSC-Threads cores: nobody registered, so the first registration works
    const single = procs.get(plain.pid)!
    expect(single.threadCores.size).toBe(0)
    expect(() => single.coreFor(0).setTakeOverHook(() => null)).not.toThrow()
  })
})
