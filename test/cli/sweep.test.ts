/** bench run --sweep: one profile constant as an extra axis, each value a --set of the run's profile. */
import {describe, expect, it} from 'vitest'
import {parseSweep, runSweep, sweptSet} from '../../src/cli/sweep.js'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {toCsv} from '../../src/report/csv.js'
import {fakeEngine} from '../experiments/fixtures.js'

const profile = loadProfile({})

describe('parseSweep', () => {
  it('takes a list or lo:hi:steps', () => {
    expect(parseSweep('cpu.wakeup=100,200,400', profile)).toEqual({key: 'cpu.wakeup', values: [100, 200, 400]})
    expect(parseSweep('cpu.wakeup=100:400:4', profile)).toEqual({key: 'cpu.wakeup', values: [100, 200, 300, 400]})
    expect(parseSweep(undefined, profile)).toBeUndefined()
  })
  it.each([
    ['cpu.wakeup', /^--sweep: expected key=v1,v2/],
    ['cpu.wakeup=100', /^--sweep: 1 values \(expected 2 to 100\)/],
    ['cpu.wakeup=100,x', /^--sweep: 'x' in 'cpu.wakeup=100,x' is not a number/],
    ['cpu.wakeup=1:2:1', /^--sweep: steps '1'/],
    ['cpu.wakeup=100,100', /given twice/],
    ['cpu.nope=1,2', /^--sweep: .*cpu.nope/],
    ['cpu.wakeup=100,-5', /^--sweep: .*cpu.wakeup/],
  ])('refuses %j with one line', (raw, message) => {
    expect(() => parseSweep(raw, profile)).toThrow(UsageError)
    expect(() => parseSweep(raw, profile)).toThrow(message)
  })
})

/** latency = the profile's wake-up cost (cycles) for virtuos, 1000 for native. */
const wake: ExperimentDef = {
  id: 'wake',
  title: 'wake',
  reproduces: 'nothing',
  deterministic: 'no draws',
  axes: [{name: 'threads', quick: [1], full: [1]}],
  systems: ['native', 'virtuos'],
  metrics: [{name: 'latency', unit: 'cycles', better: 'lower'}],
  run: (_p, system, ctx) => ({
    metrics: {latency: system === 'native' ? 1000 : ctx.profile.params.cpu.wakeup},
    engine: fakeEngine(1),
  }),
}

describe('runSweep', () => {
  it('runs each value and joins the rows with the value as an axis column', async () => {
    const sweep = {key: 'cpu.wakeup', values: [100, 400]}
    const [run] = await runSweep([wake], {seed: 1, quick: true, jobs: 1, profile}, sweep)
    expect(run.rows.map((r) => [r.system, r.params['cpu.wakeup'], r.value])).toEqual([
      ['native', 100, 1000],
      ['virtuos', 100, 100],
      ['native', 400, 1000],
      ['virtuos', 400, 400],
    ])
    expect(toCsv(run.rows).split('\n')[0]).toContain('param_threads,param_cpu.wakeup,metric')
    expect(run.runProfile.hash).toBe(profile.hash)
    expect(run.notes[0]).toBe('swept cpu.wakeup over 100, 400 (each a --set of the profile)')
    expect(sweptSet(sweep)).toBe('cpu.wakeup=100,400 (swept: one run per value)')
  })
})
