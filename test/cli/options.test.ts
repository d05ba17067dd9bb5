import {describe, expect, it} from 'vitest'
import {Errors} from '@oclif/core'
import {usageMessage} from '../../src/cli/base.js'
import {
  checkSets,
  parseAbsTolerance,
  parseFormat,
  parseJobs,
  parseMetricTolerances,
  parseSeed,
  parseTolerance,
  rejectFlagLikeArgs,
} from '../../src/cli/options.js'
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
    expect(() => parseJobs('0')).toThrow(/--jobs: '0'.*from 1 to 256/)
    expect(() => parseJobs('257')).toThrow(/--jobs: '257'/)
    expect(parseJobs('256')).toBe(256)
    expect(() => parseJobs('two')).toThrow(UsageError)
  })

  it('accepts the three formats', () => {
    expect(parseFormat('csv')).toBe('csv')
    expect(parseFormat(undefined)).toBe('table')
    expect(() => parseFormat('xml')).toThrow(/accepted: table, csv, json/)
  })

  it('checks --set is key=value', () => {
    expect(checkSets(['cpu.syscallEntry=80', 'syscalls.footprints.open+close.l1d=12'])).toHaveLength(2)
    for (const bad of ['cpu.syscallEntry', '=3', 'a=', 'a b=1'])
      expect(() => checkSets([bad])).toThrow(/--set: .*key=value/)
  })

  it('parses systems from comma lists into canonical order and rejects unknown ones', () => {
    expect(parseSystems(['virtuos,native'])).toEqual(['native', 'virtuos'])
    expect(parseSystems(['flexsc', 'native'])).toEqual(['native', 'flexsc'])
    expect(() => parseSystems(['linux'])).toThrow(
      /unknown system 'linux' \(accepted: native, virtuos, flexsc, driver-domain, multiserver\)/,
    )
  })

  it('treats a flag-like leftover argument as an unknown flag', () => {
    expect(() => rejectFlagLikeArgs(['a', '--bogus'], ['seed'])).toThrow(/unknown flag '--bogus'/)
    expect(() => rejectFlagLikeArgs(['a', 'b'], ['seed'])).not.toThrow()
  })
})

describe('gate tolerances', () => {
  it('takes a relative tolerance as a percentage or a fraction', () => {
    expect(parseTolerance(undefined)).toBe(0.02)
    expect(parseTolerance('2%')).toBeCloseTo(0.02)
    expect(parseTolerance('0.05')).toBe(0.05)
    expect(parseTolerance('1e-3')).toBe(0.001)
    for (const bad of ['-1', 'lots', '%', '2%%', ''])
      expect(() => parseTolerance(bad)).toThrow(/^--tolerance: .*e\.g\. 2% or 0\.02/)
  })

  it('takes an absolute tolerance >= 0', () => {
    expect(parseAbsTolerance(undefined)).toBe(0)
    expect(parseAbsTolerance('0.5')).toBe(0.5)
    expect(() => parseAbsTolerance('5%')).toThrow(/^--abs-tolerance: '5%'/)
  })

  it('takes per-metric tolerances as metric=value and checks the metric exists', () => {
    const known = new Set(['latency_ns', 'tps'])
    expect(parseMetricTolerances(['latency_ns=5%'], ['latency_ns=3', 'tps=1'], known)).toEqual({
      latency_ns: {relative: 0.05, absolute: 3},
      tps: {absolute: 1},
    })
    expect(() => parseMetricTolerances(['5%'], [], known)).toThrow(
      /--metric-tolerance: '5%' is malformed \(expected metric=value/,
    )
    expect(() => parseMetricTolerances(['lat=5%'], [], known)).toThrow(
      /unknown metric 'lat' \(metrics compared: latency_ns, tps\)/,
    )
    expect(() => parseMetricTolerances([], ['tps=x'], known)).toThrow(/^--metric-abs-tolerance: 'x'/)
  })
})

describe('usageMessage', () => {
  it('gives the first line of a UsageError or an oclif parse error, and nothing for other errors', () => {
    expect(usageMessage(new UsageError('bad thing'))).toBe('bad thing')
    const parseError = Object.assign(new Errors.CLIError('Nonexistent flag: --x\nSee more help with --help'), {
      parse: {},
    })
    expect(usageMessage(parseError)).toBe('Nonexistent flag: --x')
    const exclusive = new Errors.CLIError(
      'The following error occurred:\n  --full=true cannot also be provided when using --quick\nSee more help with --help',
    )
    expect(usageMessage(exclusive)).toBe('--full=true cannot also be provided when using --quick')
    expect(usageMessage(new Errors.ExitError(2))).toBeUndefined()
    expect(usageMessage(new Error('bug'))).toBeUndefined()
  })
})
