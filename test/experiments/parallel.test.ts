/** Worker threads give the same rows, in the same order, as the calling thread. */
import {beforeAll, describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {getExperiment, SELFTEST_ENV} from '../../src/experiments/registry.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {toCsv} from '../../src/report/csv.js'
import {ensureBuilt} from '../cli/build.js'

beforeAll(() => {
  ensureBuilt() // workers load the compiled registry from dist/
  process.env[SELFTEST_ENV] = '1' // inherited by the worker threads
})

describe('runExperiments with --jobs > 1', () => {
  it('gives rows identical to --jobs 1, in the same order', async () => {
    const def = getExperiment('selftest')
    const base = {seed: 3, quick: false, profile: loadProfile({})}
    const [serial] = await runExperiments([def], {...base, jobs: 1})
    const [parallel] = await runExperiments([def], {...base, jobs: 3})
    expect(parallel.jobs).toBe(3)
    expect(parallel.rows).toEqual(serial.rows)
    expect(toCsv(parallel.rows)).toBe(toCsv(serial.rows))
    expect(parallel.engine.events).toBe(serial.engine.events)
  })

  it('records the same profile reads on worker threads as in the calling thread', async () => {
    const def = getExperiment('selftest')
    const base = {seed: 3, quick: true, profile: loadProfile({}), trackReads: true}
    const [serial] = await runExperiments([def], {...base, jobs: 1})
    const [parallel] = await runExperiments([def], {...base, jobs: 2})
    expect(serial.reads!.length).toBeGreaterThan(0)
    expect(parallel.reads).toEqual(serial.reads)
    expect(parallel.rows).toEqual(serial.rows)
  })

  it('reports an error thrown by a point on a worker', async () => {
    const def = getExperiment('selftest')
    const base = {seed: 3, quick: true, profile: loadProfile({}), jobs: 2}
    // The selftest experiment throws for this point (see src/experiments/selftest.ts).
    const broken = {...def, axes: [{name: 'clients', quick: [-1], full: [-1]}]}
    await expect(runExperiments([broken], base)).rejects.toThrow(/clients/)
  })
})
