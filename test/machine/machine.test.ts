import {describe, expect, test} from 'vitest'
import {InvariantError} from '../../src/errors.js'
import {Machine, pollute, footprintOf} from '../../src/machine/index.js'
import {e5520Params} from './fixture.js'
import {TestHost} from './host.js'

describe('Machine and cores', () => {
  test('builds the active cores with their sockets, a disk and a NIC', () => {
    const m = new Machine(new TestHost(), {...e5520Params(), cores: 6})
    expect(m.cores.map((c) => c.socket)).toEqual([0, 0, 0, 0, 1, 1])
    expect(m.disk.schedule).toBe('clook')
    expect(m.nic.interrupts).toBe(0)
    expect(() => m.core(6)).toThrow(InvariantError)
  })

  test('a core is held by one thread at a time', () => {
    const core = new Machine(new TestHost(), e5520Params()).core(0)
    core.claim('t1')
    expect(() => core.claim('t2')).toThrow(InvariantError)
    expect(() => core.release('t2')).toThrow(InvariantError)
    core.release('t1')
    core.claim('t2')
    expect(core.occupant).toBe('t2')
  })

  test('switching address space resets the pollution state for the new working set', () => {
    const p = e5520Params()
    const core = new Machine(new TestHost(), p).core(1)
    expect(core.switchTo('as1', 'dom0')).toBe(true)
    expect(core.switchTo('as1', 'dom0')).toBe(false)
    const ws = {ipc: 1, lines: {l1i: 512, l1d: 512, l2: 2048, l3: 65536, dtlb: 64}, refillInstructions: 5000}
    core.cacheState = pollute(p, core.cacheState, footprintOf(p, 'pwrite'), ws)
    expect(core.cacheState.displaced.l1d).toBeGreaterThan(0)
    core.switchTo('as2', 'dom0')
    expect(core.cacheState.displaced.l1d).toBe(0)
  })
})
