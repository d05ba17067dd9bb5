/** Every result row names the resolved profile and the overrides that produced it. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {runExperiments} from '../../src/experiments/runner.js'
import {selftest} from '../../src/experiments/selftest.js'
import {parseCsv, readResultCsv} from '../../src/report/csvread.js'
import {toCsv} from '../../src/report/csv.js'
import {profileAt, runSweep} from '../../src/cli/sweep.js'

async function csvOf(set: string[]) {
  const profile = loadProfile({set})
  const [run] = await runExperiments([selftest], {seed: 1, quick: true, profile, jobs: 1})
  return {profile, records: parseCsv(toCsv(run.rows))}
}

describe('provenance columns', () => {
  it('without --set: every row has the profile hash and empty overrides', async () => {
    const {profile, records} = await csvOf([])
    const [header, ...rows] = records
    expect(header.slice(-2)).toEqual(['profile_hash', 'overrides'])
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r.slice(-2)).toEqual([profile.hash, ''])
  })

  it('with --set: the overridden profile hash and the assignments, sorted', async () => {
    const {profile, records} = await csvOf(['cpu.wakeup=300', 'cache.l2Hit=12'])
    expect(profile.hash).not.toBe(loadProfile().hash)
    for (const r of records.slice(1)) expect(r.slice(-2)).toEqual([profile.hash, 'cache.l2Hit=12;cpu.wakeup=300'])
  })

  it('reads back; a CSV written before the columns reads as unknown provenance', async () => {
    const profile = loadProfile({set: ['cpu.wakeup=300']})
    const [run] = await runExperiments([selftest], {seed: 1, quick: true, profile, jobs: 1})
    const back = readResultCsv(toCsv(run.rows), 'x.csv')
    expect(back[0]).toMatchObject({profileHash: profile.hash, overrides: 'cpu.wakeup=300'})
    const old = toCsv(run.rows)
      .split('\n')
      .map((l) => l.split(',').slice(0, -2).join(','))
      .join('\n')
    const r = readResultCsv(old, 'old.csv')[0]
    expect(r.profileHash).toBeUndefined()
    expect(r.overrides).toBeUndefined()
  })
})

describe('a --sweep row', () => {
  it('names the swept value among its overrides and the profile at that value', async () => {
    const base = loadProfile({set: ['cpu.wakeup=300']})
    const sweep = {key: 'cache.l2Hit', values: [11, 13]}
    const [run] = await runSweep([selftest], {seed: 1, quick: true, profile: base, jobs: 1}, sweep)
    for (const v of sweep.values) {
      const at = profileAt(base, sweep.key, v)
      const rows = run.rows.filter((r) => r.params['cache.l2Hit'] === v)
      expect(rows.length).toBeGreaterThan(0)
      for (const r of rows) expect([r.profileHash, r.overrides]).toEqual([at.hash, `cache.l2Hit=${v};cpu.wakeup=300`])
    }
  })
})
