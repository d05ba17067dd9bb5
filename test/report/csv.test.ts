import {describe, expect, it} from 'vitest'
import {runExperiments} from '../../src/experiments/runner.js'
import type {ResultRow} from '../../src/experiments/types.js'
import {toCsv} from '../../src/report/csv.js'
import {toJsonRows} from '../../src/report/json.js'
import {arith, fakeProfile} from '../experiments/fixtures.js'

const row = (over: Partial<ResultRow>): ResultRow => ({
  experiment: 'e',
  system: 'native',
  params: {threads: 1},
  metric: 'm',
  value: 1,
  ci95Low: 1,
  ci95High: 1,
  replicates: 1,
  unit: 'u',
  better: 'higher',
  nativeValue: 1,
  ratioVsNative: 1,
  ratioCi95Low: 1,
  ratioCi95High: 1,
  samples: null,
  seed: 3,
  profile: 'p',
  ...over,
})

describe('toCsv', () => {
  it('writes the columns in the documented order', () => {
    const header = toCsv([row({params: {threads: 1, size: 'big'}})]).split('\n')[0]
    expect(header).toBe(
      'experiment,system,param_threads,param_size,metric,value,ci95_low,ci95_high,replicates,unit,better,' +
        'native_value,ratio_vs_native,ratio_ci95_low,ratio_ci95_high,samples,seed,profile,profile_hash,overrides',
    )
  })

  it('keeps full precision (shortest round-trip form) and writes empty cells for null', () => {
    const v = 0.1 + 0.2
    const none = {nativeValue: null, ratioVsNative: null, ratioCi95Low: null, ratioCi95High: null}
    const line = toCsv([row({system: 'virtuos', value: v, ci95Low: v, ci95High: v, ...none})]).split('\n')[1]
    expect(line).toBe('e,virtuos,1,m,0.30000000000000004,0.30000000000000004,0.30000000000000004,1,u,higher,,,,,,3,p,,')
    expect(Number(line.split(',')[4])).toBe(v)
  })

  it('round-trips awkward numbers exactly', () => {
    const values = [1 / 3, 123456789.12345679, 1e-12, 2 ** 53 - 1, 6.02e23]
    const csv = toCsv(values.map((value) => row({value})))
    expect(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[4])),
    ).toEqual(values)
  })

  it('quotes text that contains the separator', () => {
    const csv = toCsv([row({unit: 'ops,s'})])
    expect(csv).toContain('"ops,s"')
  })

  it('takes the union of param columns across experiments, empty where absent', () => {
    const csv = toCsv([row({experiment: 'a', params: {x: 1}}), row({experiment: 'b', params: {y: 2}})])
    const lines = csv.trim().split('\n')
    expect(lines[0]).toContain('param_x,param_y')
    expect(lines[1].startsWith('a,native,1,,')).toBe(true)
    expect(lines[2].startsWith('b,native,,2,')).toBe(true)
  })

  it('is byte-identical for two runs with the same seed, and differs with another seed', async () => {
    const opts = {seed: 9, quick: false, profile: fakeProfile, jobs: 1}
    const a = toCsv((await runExperiments([arith], opts))[0].rows)
    const b = toCsv((await runExperiments([arith], opts))[0].rows)
    const c = toCsv((await runExperiments([arith], {...opts, seed: 10}))[0].rows)
    expect(a).toBe(b)
    expect(c).not.toBe(a)
  })
})

describe('toJsonRows', () => {
  it('uses the CSV column names, numbers as numbers and null for empty', () => {
    const [r] = toJsonRows([row({nativeValue: null, ratioVsNative: null, value: 2.5})])
    expect(Object.keys(r)).toEqual([
      'experiment',
      'system',
      'param_threads',
      'metric',
      'value',
      'ci95_low',
      'ci95_high',
      'replicates',
      'unit',
      'better',
      'native_value',
      'ratio_vs_native',
      'ratio_ci95_low',
      'ratio_ci95_high',
      'samples',
      'seed',
      'profile',
      'profile_hash',
      'overrides',
    ])
    expect(r).toMatchObject({value: 2.5, native_value: null, param_threads: 1})
  })
})
