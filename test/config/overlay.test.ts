/** Profile overlays: constants placed onto a base profile, validated, and --set changes carried to another file. */
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  applyOverlay,
  carryOverrides,
  changedConstants,
  loadProfile,
  overlayProfile,
  readProfileJson,
} from '../../src/config/index.js'
import {DEFAULT_PROFILE, PACKAGE_ROOT} from '../../src/config/load.js'
import {UsageError} from '../../src/errors.js'

const I7 = resolve(PACKAGE_ROOT, 'configs', 'flexsc-i7.json')
const constant = (value: unknown) => ({value, unit: 'cycles', source: 'test'})

describe('applyOverlay', () => {
  it('places a constant at its path on a copy; the base is untouched', () => {
    const base = readProfileJson(DEFAULT_PROFILE) as any
    const before = base.cpu.syscallEntry.value
    const out = applyOverlay(base, [{path: ['cpu', 'syscallEntry'], constant: constant(99)}], 'test') as any
    expect(out.cpu.syscallEntry).toEqual(constant(99))
    expect(base.cpu.syscallEntry.value).toBe(before)
  })

  it('rejects a path the spec does not know, naming it and nearby keys', () => {
    const base = readProfileJson(DEFAULT_PROFILE)
    const bad = () => applyOverlay(base, [{path: ['cpu', 'syscallEntyr'], constant: constant(1)}], 'my overlay')
    expect(bad).toThrow(UsageError)
    expect(bad).toThrow(
      /^my overlay: unknown constant 'cpu.syscallEntyr': no key 'syscallEntyr' in 'cpu' \(nearby: .*syscallEntry/,
    )
    expect(() => applyOverlay(base, [{path: ['cpu'], constant: constant(1)}], 'x')).toThrow(
      /'cpu' is a group, not a constant/,
    )
  })

  it('validates the result: a bad value is a UsageError naming the label', () => {
    const bad = () =>
      overlayProfile(DEFAULT_PROFILE, [{path: ['cpu', 'syscallEntry'], constant: constant(-5)}], 'label')
    expect(bad).toThrow(UsageError)
    expect(bad).toThrow(/^label: cpu.syscallEntry/)
  })
})

describe('changedConstants and carryOverrides', () => {
  it('finds exactly the constants --set changed', () => {
    const run = loadProfile({set: ['cpu.syscallEntry=200']})
    const changes = changedConstants(readProfileJson(DEFAULT_PROFILE), run.profile)
    expect(changes.map((c) => c.path.join('.'))).toEqual(['cpu.syscallEntry'])
  })

  it("carries a run's --set onto another file, keeps that file otherwise, and caches per run profile", () => {
    const plain = carryOverrides(loadProfile(), I7)
    expect(plain.name).toBe('flexsc-i7')
    expect(plain.hash).toBe(loadProfile({config: I7}).hash)
    const withSet = carryOverrides(loadProfile({set: ['cpu.syscallEntry=200']}), I7)
    expect(withSet.params.cpu.syscallEntry).toBe(200)
    expect(withSet.params.clockHz).toBe(plain.params.clockHz)
    expect(carryOverrides(loadProfile({set: ['cpu.syscallEntry=200']}), I7)).toBe(withSet)
  })

  it('carries the --set assignments themselves, not a diff against the run file re-read from disk', () => {
    const run = loadProfile({set: ['cpu.syscallEntry=250']})
    expect(run.sets).toEqual(['cpu.syscallEntry=250'])
    // the profile's constants are not consulted: only the assignments are re-applied onto the other file
    const carried = carryOverrides({...run, profile: loadProfile().profile}, I7)
    expect(carried.params.cpu.syscallEntry).toBe(250)
    expect(carried.sets).toEqual(['cpu.syscallEntry=250'])
  })
})
