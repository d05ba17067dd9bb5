import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {applySet, DEFAULT_PROFILE, loadProfile} from '../../src/config/index.js'
import {nearest} from '../../src/config/overrides.js'
import {allocationFor} from '../machine/fixture.js'

const raw = () => JSON.parse(readFileSync(DEFAULT_PROFILE, 'utf8'))

describe('applySet', () => {
  it('a path naming a constant sets its value and notes the override in the source', () => {
    const before = raw()
    const after = applySet(before, 'cpu.syscallEntry=80') as any
    expect(after.cpu.syscallEntry.value).toBe(80)
    expect(after.cpu.syscallEntry.unit).toBe('cycles')
    expect(after.cpu.syscallEntry.source).toMatch(/^--set cpu.syscallEntry=80 \(profile had 53\); estimate: /)
    expect(before.cpu.syscallEntry.value).toBe(53) // input untouched
  })
  it('.value, .unit, .estimate address the fields', () => {
    let p = applySet(raw(), 'hypervisor.eventChannelSend.value=1800') as any
    expect(p.hypervisor.eventChannelSend.value).toBe(1800)
    p = applySet(p, 'hypervisor.eventChannelSend.unit=ns') as any
    expect(p.hypervisor.eventChannelSend.unit).toBe('ns')
    p = applySet(p, 'cache.l1Hit.estimate=true') as any
    expect(p.cache.l1Hit.estimate).toBe(true)
  })
  it('values parse as JSON number, bool or string', () => {
    expect((applySet(raw(), 'machine.hyperThreading=true') as any).machine.hyperThreading.value).toBe(true)
    expect((applySet(raw(), 'cache.l2Hit=1e1') as any).cache.l2Hit.value).toBe(10)
    expect((applySet(raw(), 'cache.l2Hit="12"') as any).cache.l2Hit.value).toBe('12')
    expect((applySet(raw(), 'cache.l2Hit=abc') as any).cache.l2Hit.value).toBe('abc')
    expect((applySet(raw(), 'name=other') as any).name).toBe('other')
  })
  it('creates the optional machine.cores when the profile leaves it out', () => {
    expect(raw().machine.cores).toBeUndefined()
    expect((applySet(raw(), 'machine.cores=2') as any).machine.cores).toEqual({
      value: 2,
      unit: 'count',
      source: '--set machine.cores=2 (not in the profile)',
    })
  })
  it('nearest keys come closest first', () => {
    expect(nearest('l2hit', ['memoryLocal', 'l2Hit', 'l3Hit'])[0]).toBe('l2Hit')
    expect(nearest('syscallEntri', ['pause', 'syscallExit', 'syscallEntry'])).toEqual([
      'syscallEntry',
      'syscallExit',
      'pause',
    ])
  })
})

describe('loadProfile with overrides', () => {
  it('machine.cores = N uses the first N cores; default is all', () => {
    // a smaller machine needs each design's core allocation (group cores) to fit it
    const fit = (n: number) => Object.entries(allocationFor(n)).map(([k, v]) => `cores.${k}=${v}`)
    expect(loadProfile().params.cores).toBe(8)
    expect(loadProfile({set: ['machine.cores=3', ...fit(3)]}).params.cores).toBe(3)
    const one = loadProfile({set: ['machine.sockets=1', ...fit(4)]}).params
    expect([one.sockets, one.cores]).toEqual([1, 4])
    const small = loadProfile({set: ['machine.coresPerSocket=2', 'machine.cores=3', ...fit(3)]}).params
    expect([small.sockets, small.coresPerSocket, small.cores]).toEqual([2, 2, 3])
  })
  it('a time set in another unit is converted', () => {
    expect(
      loadProfile({set: ['cpu.contextSwitch.unit=cycles', 'cpu.contextSwitch=5000']}).params.cpu.contextSwitch,
    ).toBe(5000)
    expect(
      loadProfile({set: ['cache.memoryLocal.unit=cycles', 'cache.memoryLocal=200']}).params.cache.memoryLocal,
    ).toBe(200)
  })
  it('the hash identifies the resolved profile: it changes with a --set and is stable otherwise', () => {
    const a = loadProfile()
    expect(a.hash).toMatch(/^[0-9a-f]{12}$/)
    expect(loadProfile().hash).toBe(a.hash)
    const b = loadProfile({set: ['cpu.syscallEntry=80']})
    expect(b.hash).not.toBe(a.hash)
    expect(loadProfile({set: ['cpu.syscallEntry=80']}).hash).toBe(b.hash)
  })
  it('estimates follow the overrides', () => {
    expect(loadProfile().estimates).not.toContain('cache.l1Hit')
    expect(loadProfile({set: ['cache.l1Hit.estimate=true']}).estimates).toContain('cache.l1Hit')
  })
  it('the loaded profile is plain data (it crosses to worker threads)', () => {
    const l = loadProfile()
    expect(structuredClone(l)).toEqual(l)
  })
})
