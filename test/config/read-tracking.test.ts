/** The read-tracking view of a resolved profile records every value a run reads, and nothing else. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {agreeOn, ALL_READ, PATH_READ, SETS_READ, trackedProfile} from '../../src/config/read-tracking.js'

const profile = loadProfile()

describe('trackedProfile', () => {
  it('records the path of each value read, with the same values', () => {
    const log = new Set<string>()
    const view = trackedProfile(profile, log)
    expect(view.params.cpu.wakeup).toBe(profile.params.cpu.wakeup)
    expect(view.params.syscalls.footprints.open.l2).toBe(profile.params.syscalls.footprints.open.l2)
    expect(view.params.cpu.wakeup).toBe(profile.params.cpu.wakeup) // read twice, recorded once
    expect([...log].sort()).toEqual(['cpu.wakeup', 'syscalls.footprints.open.l2'])
  })
  it('a copy of a group records every value it copies, and its groups stay tracked', () => {
    const log = new Set<string>()
    const view = trackedProfile(profile, log)
    const copy = {...view.params, cores: 2}
    expect(log.has('clockHz') && log.has('sockets')).toBe(true)
    expect(log.has('cpu.wakeup')).toBe(false)
    expect(copy.cpu).toBe(view.params.cpu) // groups keep their identity
    void copy.hypervisor.pvGuestModeSwitch
    expect(log.has('hypervisor.pvGuestModeSwitch')).toBe(true)
  })
  it('reading the raw profile, its path or its overrides is recorded as such', () => {
    const log = new Set<string>()
    const view = trackedProfile(profile, log)
    void view.name
    expect(log.size).toBe(0)
    void view.path
    void view.sets
    void view.profile
    expect([...log].sort()).toEqual([ALL_READ, PATH_READ, SETS_READ].sort())
  })
  it('is a fresh record per view: a second view records its own first reads', () => {
    const a = new Set<string>()
    const b = new Set<string>()
    void trackedProfile(profile, a).params.cpu.wakeup
    void trackedProfile(profile, b).params.cpu.wakeup
    expect([...b]).toEqual(['cpu.wakeup'])
  })
})

describe('agreeOn', () => {
  const other = loadProfile({set: ['cpu.wakeup=300']})
  it('two profiles agree where a run read nothing that differs', () => {
    expect(agreeOn(profile, other, ['cache.l2Hit', 'syscalls.footprints.open.l2'])).toBe(true)
  })
  it('and differ where it read the changed value, the raw profile or the overrides', () => {
    expect(agreeOn(profile, other, ['cache.l2Hit', 'cpu.wakeup'])).toBe(false)
    expect(agreeOn(profile, other, [ALL_READ])).toBe(false)
    expect(agreeOn(profile, other, [SETS_READ])).toBe(false)
    expect(agreeOn(profile, other, [PATH_READ])).toBe(true)
  })
})
