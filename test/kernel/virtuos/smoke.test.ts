import {describe, expect, it} from 'vitest'
import {O} from '../../../src/kernel/types.js'
import {virtuosSystem} from './fixture.js'

describe('virtuos smoke', () => {
  it('opens, writes and reads a storage file through the storage domain', () => {
    const {host, system, v} = virtuosSystem()
    const results: number[] = []
    system.spawnProcess(function* (sys) {
      const fd = (yield* sys.open('/storage/a', O.CREAT | O.RDWR)).ret
      results.push(fd)
      results.push((yield* sys.write(fd, 4096)).ret)
      results.push((yield* sys.pread(fd, 4096, 0)).ret)
      results.push((yield* sys.getpid()).ret)
      results.push((yield* sys.close(fd)).ret)
    })
    host.run()
    expect(results).toEqual([0, 4096, 4096, 1, 0])
    expect(v.stats.remoteCalls).toBe(4)
    expect(v.stats.localCalls).toBe(1)
    system.checkInvariants()
  })
})
