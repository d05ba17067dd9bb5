import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {flexscBatching} from '../../src/experiments/flexsc-batching.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {buildMeta} from '../../src/report/meta.js'
import {selftestRun} from './fixtures.js'

describe('the profile behind the numbers', () => {
  it("is the one the experiment runs on (profileFor): rows, meta and its estimates name it, the run's is kept beside", async () => {
    const given = loadProfile()
    const [run] = await runExperiments(
      [
        {
          ...flexscBatching,
          axes: [
            {name: 'batch', quick: [1], full: [1]},
            {name: 'placement', quick: ['same-core'], full: ['same-core']},
          ],
        },
      ],
      {seed: 1, quick: true, profile: given, jobs: 1},
    )
    const flexsc = loadProfile({config: 'configs/flexsc-i7.json'})
    expect(run.profile.name).toBe('flexsc-i7')
    expect(run.profile.hash).toBe(flexsc.hash) // no --set: the file itself
    expect(run.runProfile).toBe(given)
    expect(new Set(run.rows.map((r) => r.profile))).toEqual(new Set(['flexsc-i7']))
    const meta = buildMeta(run)
    expect(meta.profile).toEqual({name: 'flexsc-i7', path: 'configs/flexsc-i7.json', hash: flexsc.hash, overrides: []})
    expect(meta.runProfile).toMatchObject({name: 'xeon-e5520', path: 'configs/xeon-e5520.json', hash: given.hash})
    expect(meta.estimates).toEqual(flexsc.estimates)
    expect(meta.estimates).not.toEqual(given.estimates)
  })

  it("is the run's own for an experiment without profileFor, and the meta has no runProfile then", async () => {
    const run = await selftestRun()
    expect(run.profile).toBe(run.runProfile)
    expect(buildMeta(run).runProfile).toBeUndefined()
  })

  it('carries --set overrides: the hash differs from the plain file', async () => {
    const given = loadProfile({set: ['cpu.syscallEntry=200']})
    const used = flexscBatching.profileFor!(given)
    expect(used.name).toBe('flexsc-i7')
    expect(used.params.cpu.syscallEntry).toBe(200)
    expect(used.hash).not.toBe(loadProfile({config: 'configs/flexsc-i7.json'}).hash)
  })
})

describe('the run context', () => {
  it('records the git revision, whether the tree was dirty, and the Node version', async () => {
    const meta = buildMeta(await selftestRun())
    expect(meta.tool.gitRevision === null || /^[0-9a-f]{40}$/.test(meta.tool.gitRevision)).toBe(true)
    expect(meta.tool.gitDirty === null || typeof meta.tool.gitDirty === 'boolean').toBe(true)
    if (meta.tool.gitRevision !== null) expect(typeof meta.tool.gitDirty).toBe('boolean')
    expect(meta.runtime).toEqual({node: process.version, platform: process.platform, arch: process.arch})
  })
})
