import {describe, expect, it} from 'vitest'
import {Errors} from '@oclif/core'
import {usageMessage} from '../../src/cli/base.js'
import {checkSets, parseFormat, parseJobs, parseSeed, rejectFlagLikeArgs} from '../../src/cli/options.js'
import {UsageError} from '../../src/errors.js'
import {parseSystems} from '../../src/experiments/registry.js'

describe('flag validation', () => {
  it('accepts non-negative integer seeds and defaults to 1', () => {
    expect(parseSeed(undefined)).toBe(1)
    expect(parseSeed('0')).toBe(0)
    expect(parseSeed('42')).toBe(42)
  })

  it.each(['-1', 'abc', '1.5', '', '1e3', String(2 ** 53)])('rejects seed %j with a UsageError naming --seed', (s) => {
    expect(() => parseSeed(s)).toThrow(UsageError)
    expect(() => parseSeed(s)).toThrow(/^--seed: /)
  })

  it('accepts jobs >= 1 only', () => {
    expect(parseJobs('3')).toBe(3)
    expect(parseJobs(undefined)).toBeGreaterThanOrEqual(1)
    expect(() => parseJobs('0')).toThrow(/--jobs: '0'.*>= 1/)
    expect(() => parseJobs('two')).toThrow(UsageError)
  })

  it('accepts the three formats', () => {
    expect(parseFormat('csv')).toBe('csv')
    expect(parseFormat(undefined)).toBe('table')
    expect(() => parseFormat('xml')).toThrow(/accepted: table, csv, json/)
  })

  it('checks --set is key=value', () => {
    expect(checkSets(['cpu.syscallEntry=80', 'syscalls.footprints.open+close.l1d=12'])).toHaveLength(2)
    for (const bad of ['cpu.syscallEntry', '=3', 'a=', 'a b=1']) expect(() => checkSets([bad])).toThrow(/--set: .*key=value/)
  })

  it('parses systems from comma lists into canonical order and rejects unknown ones', () => {
    expect(parseSystems(['virtuos,native'])).toEqual(['native', 'virtuos'])
    expect(parseSystems(['flexsc', 'native'])).toEqual(['native', 'flexsc'])
    expect(() => parseSystems(['linux'])).toThrow(/unknown system 'linux' \(accepted: native, virtuos, flexsc, driver-domain\)/)
  })

  it('treats a flag-like leftover argument as an unknown flag', () => {
    expect(() => rejectFlagLikeArgs(['a', '--bogus'], ['seed'])).toThrow(/unknown flag '--bogus'/)
    expect(() => rejectFlagLikeArgs(['a', 'b'], ['seed'])).not.toThrow()
  })
})

describe('usageMessage', () => {
  it('gives the first line of a UsageError or an oclif parse error, and nothing for other errors', () => {
    expect(usageMessage(new UsageError('bad thing'))).toBe('bad thing')
    const parseError = Object.assign(new Errors.CLIError('Nonexistent flag: --x\nSee more help with --help'), {parse: {}})
    expect(usageMessage(parseError)).toBe('Nonexistent flag: --x')
    const exclusive = new Errors.CLIError('The following error occurred:\n  --full=true cannot also be provided when using --quick\nSee more help with --help')
    expect(usageMessage(exclusive)).toBe('--full=true cannot also be provided when using --quick')
    expect(usageMessage(new Errors.ExitError(2))).toBeUndefined()
    expect(usageMessage(new Error('bug'))).toBeUndefined()
  })
})
