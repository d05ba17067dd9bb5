/** The sensitivity analysis: ranges, the OAT and Morris designs, and which clause hangs on which estimate. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {applySet, DEFAULT_PROFILE, loadProfile, readProfileJson} from '../../src/config/index.js'
import {loadedProfile} from '../../src/config/load.js'
import {validateProfile} from '../../src/config/index.js'
import {betterThanNative} from '../../src/experiments/claims.js'
import {
  estimateFactors,
  morrisDesign,
  morrisIndices,
  morrisVariants,
  oatVariants,
} from '../../src/experiments/sensitivity.js'
import {mergeSensitivity, runSensitivity} from '../../src/experiments/sensitivity-run.js'
import {sensitivityFiles} from '../../src/report/sensitivity-files.js'
import {
  readSensitivityShard,
  sensitivityShardRun,
  sensitivityShardText,
  shardVariants,
} from '../../src/report/sensitivity-shard.js'
import {checkShardSet} from '../../src/report/shardfile.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {robustness, sensitivityCsv, tornado} from '../../src/report/sensitivity.js'
import {robustnessLine} from '../../src/report/robustness-md.js'
import {fakeEngine} from './fixtures.js'

const profile = loadProfile({})

describe('estimateFactors', () => {
  it('takes a range from the profile, else x0.5-x2 within the key bounds, integers rounded', () => {
    const f = estimateFactors(profile)
    expect(f.length).toBeGreaterThan(40)
    for (const x of f) expect(profile.estimates).toContain(x.key)
    expect(f.every((x) => !x.assumed)).toBe(true) // every shipped estimate has its range
    const raw = readProfileJson(DEFAULT_PROFILE) as Record<string, Record<string, Record<string, unknown>>>
    const wakeValue = raw.cpu.wakeup.value as number
    Object.assign(raw.cpu.wakeup, {range: [150, 260], rangeSource: 'two proxies'})
    for (const [g, k] of [
      ['workload', 'liveL1iShare'],
      ['clients', 'hosts'],
      ['nic', 'txPacket'],
    ]) {
      delete raw[g][k].range
      delete raw[g][k].rangeSource
    }
    const loaded = loadedProfile(validateProfile(raw, 'x.json'), DEFAULT_PROFILE)
    const by = (key: string) => estimateFactors(loaded, [key])[0]
    expect(by('cpu.wakeup')).toEqual({
      key: 'cpu.wakeup',
      value: wakeValue,
      low: 150,
      high: 260,
      int: false,
      assumed: false,
      why: 'two proxies',
    })
    const tx = by('nic.txPacket')
    expect([tx.low, tx.high, tx.assumed]).toEqual([tx.value / 2, tx.value * 2, true])
    expect(by('workload.liveL1iShare').high).toBeLessThanOrEqual(1) // a fraction stays one
    const hosts = by('clients.hosts')
    expect([hosts.low, hosts.high]).toEqual([1, 2]) // a count: rounded, at least one
  })
})

describe('designs', () => {
  const factors = [
    {key: 'a.x', value: 10, low: 5, high: 20, int: false, assumed: true, why: ''},
    {key: 'a.y', value: 3, low: 3, high: 3, int: true, assumed: false, why: ''},
    {key: 'a.z', value: 4, low: 2, high: 8, int: true, assumed: true, why: ''},
  ]
  it('OAT: the default, then each factor at each end; a factor whose range is its value moves nothing', () => {
    expect(oatVariants(factors).map((v) => v.id)).toEqual(['default', 'a.x@low', 'a.x@high', 'a.z@low', 'a.z@high'])
    expect(oatVariants(factors)[2].sets).toEqual(['a.x=20'])
  })
  it('Morris: each trajectory moves every factor once by +-Delta on the grid, the same for the same seed', () => {
    const d = morrisDesign(3, 5, 4, 7)
    expect(d).toEqual(morrisDesign(3, 5, 4, 7))
    expect(d).not.toEqual(morrisDesign(3, 5, 4, 8))
    for (const t of d) {
      expect(t.points).toHaveLength(4)
      expect(t.moves.map((m) => m.factor).sort()).toEqual([0, 1, 2])
      for (const m of t.moves) expect(Math.abs(m.delta)).toBeCloseTo(2 / 3)
      for (const x of t.points.flat()) expect([0, 1 / 3, 2 / 3, 1].some((g) => Math.abs(g - x) < 1e-9)).toBe(true)
    }
    expect(morrisVariants(factors, d)).toHaveLength(1 + 5 * 4)
  })
  it('Morris indices of a linear output are its coefficients, with no spread', () => {
    const d = morrisDesign(3, 6, 4, 1)
    const y = d.map((t) => t.points.map((x) => 2 * x[0] - 5 * x[2]))
    const m = morrisIndices(factors, d, y)
    expect(
      m.map((i) => [i.key, Number(i.muStar.toFixed(9)), Number(i.mu.toFixed(9)), Number(i.sigma.toFixed(9))]),
    ).toEqual([
      ['a.x', 2, 2, 0],
      ['a.y', 0, 0, 0],
      ['a.z', 5, -5, 0],
    ])
  })
})

/**
 * latency: native a context switch, virtuos 5000 cycles; so virtuos wins only while a switch costs
 * more (3000 ns is 6780 cycles at 2.26 GHz, 1500 ns 3390).
 */
const switchy: ExperimentDef = {
  id: 'switchy',
  title: 'context switches',
  reproduces: 'nothing',
  deterministic: 'no draws',
  clauses: [betterThanNative({text: 'virtuos is faster', system: 'virtuos', metric: 'latency', margin: 0})],
  axes: [{name: 'threads', quick: [1, 2], full: [1, 2]}],
  systems: ['native', 'virtuos'],
  metrics: [{name: 'latency', unit: 'cycles', better: 'lower'}],
  run(point, system, ctx) {
    const cs = ctx.profile.params.cpu.contextSwitch
    return {metrics: {latency: Number(point.threads) * (system === 'native' ? cs : 5000)}, engine: fakeEngine(1)}
  },
}

describe('runSensitivity (OAT) and what it reports', () => {
  const base = applySet(readProfileJson(DEFAULT_PROFILE), 'cpu.contextSwitch=3000')
  const run = loadedProfile(validateProfile(base, 'x.json'), DEFAULT_PROFILE, ['cpu.contextSwitch=3000'])
  const opts = {seed: 1, quick: true, jobs: 1, profile: run, method: 'oat' as const, trajectories: 2, levels: 4}

  it('finds the clause that hangs on the estimate, and only that one', async () => {
    const r = await runSensitivity([switchy], {...opts, estimates: ['cpu.contextSwitch', 'cpu.wakeup']})
    expect(r.variants.map((v) => v.variant.id)).toEqual([
      'default',
      'cpu.contextSwitch@low',
      'cpu.contextSwitch@high',
      'cpu.wakeup@low',
      'cpu.wakeup@high',
    ])
    const [clause] = robustness(r)
    expect(clause).toMatchObject({verdict: 'supported', robust: false, hangsOn: ['cpu.contextSwitch']})
    expect(clause.reversedBy).toEqual(['cpu.contextSwitch']) // to not supported, not only inconclusive
    expect(clause.flips).toEqual([{constant: 'cpu.contextSwitch', at: 'low', value: 1500, verdict: 'not supported'}])
    const t = tornado(r, 0)
    expect(t.rows[0].constant).toBe('cpu.contextSwitch')
    // virtuos's latency is fixed, native's halves and doubles with the switch: virtuos/native doubles and halves
    expect(t.rows[0].low).toBeCloseTo(100, 6)
    expect(t.rows[0].high).toBeCloseTo(-50, 6)
    // switchy never reads the wake-up cost: its variants did not run it, and it has no bar
    expect(t.rows.map((x) => x.constant)).toEqual(['cpu.contextSwitch'])
    expect(clause.notRead).toEqual(['cpu.wakeup'])
    const csv = sensitivityCsv(r).trim().split('\n')
    expect(csv).toHaveLength(1 + 2 * 4 + 2) // 2 variants run x 2 points x 2 systems, 2 not read
    expect(csv[1]).toBe('cpu.contextSwitch,low,1500,3000,true,switchy,native,threads=1,latency,6780,3390,-50,ran')
    expect(csv[9]).toMatch(/^cpu\.wakeup,low,[\d.]+,[\d.]+,false,switchy,,,,,,,not read$/)
    expect(csv[10]).toMatch(/^cpu\.wakeup,high,[\d.]+,[\d.]+,false,switchy,,,,,,,not read$/)
  })

  it('a clause the default run cannot judge (its systems not run) is untested, not robust', async () => {
    const r = await runSensitivity([{...switchy, systems: ['virtuos']}], {...opts, estimates: ['cpu.contextSwitch']})
    const [clause] = robustness(r)
    expect(clause).toMatchObject({verdict: 'untested', robust: null, flips: []})
    expect(robustnessLine([clause])).toBe(
      "0 of 1 clauses flip within some estimate's range (1 untested: a system they read was not run)",
    )
  })

  it('Morris: a flip is laid on the estimate the step moved', async () => {
    const r = await runSensitivity([switchy], {
      ...opts,
      method: 'morris',
      trajectories: 4,
      estimates: ['cpu.contextSwitch', 'cpu.wakeup'],
    })
    expect(r.variants).toHaveLength(1 + 4 * 3)
    const [clause] = robustness(r)
    expect(clause.flips.length).toBeGreaterThan(0)
    expect(clause.hangsOn).toEqual(['cpu.contextSwitch'])
    expect(sensitivityCsv(r).split('\n')[0]).toBe(
      'constant,low,high,range_assumed,experiment,output,mu_star,mu,sigma,effects',
    )
  })

  it('shards: each variant in one shard, merged into the unsharded analysis (files byte for byte)', async () => {
    const o = {...opts, estimates: ['cpu.contextSwitch', 'cpu.wakeup']}
    const whole = await runSensitivity([switchy], o)
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-sens-shard-'))
    const run = sensitivityShardRun({
      ...o,
      sets: ['cpu.contextSwitch=3000'],
      experiments: ['switchy'],
      experimentSystems: [['native', 'virtuos']],
    })
    const files = []
    for (const index of [1, 2]) {
      const shard = {index, count: 2}
      const part = await runSensitivity([switchy], o, shard)
      expect(part.variants.map((v) => v.variant.id)).toEqual(
        whole.variants.map((v) => v.variant.id).filter((_, i) => i % 2 === index - 1),
      )
      const path = join(dir, `sensitivity-shard-${index}-of-2.json`)
      writeFileSync(path, sensitivityShardText(run, shard, part))
      files.push({path, file: readSensitivityShard(path)})
    }
    const merged = mergeSensitivity(
      o,
      shardVariants(checkShardSet(files), () => switchy),
    )
    const a = await sensitivityFiles(dir, whole, {...o, replicates: 1})
    const b = await sensitivityFiles(dir, merged, {...o, replicates: 1})
    expect(b.files.map((f) => String(f.data))).toEqual(a.files.map((f) => String(f.data)))
    expect(b.json.clauses[0].hangsOn).toEqual(['cpu.contextSwitch'])
    expect(() =>
      mergeSensitivity(
        o,
        shardVariants([files[0].file], () => switchy),
      ),
    ).toThrow(/is in no shard/)
  })

  it('a variant whose profile does not validate runs nothing and is reported, not fatal', async () => {
    // virtuosPrimary at the top of a range of [2, 8] (8) with storage 2 and network 2 no longer fits the 8 cores
    const wide = structuredClone(base) as Record<string, Record<string, Record<string, unknown>>>
    wide.cores.virtuosPrimary.range = [2, 8]
    const profile = loadedProfile(validateProfile(wide, 'x.json'), DEFAULT_PROFILE, ['cpu.contextSwitch=3000'])
    const r = await runSensitivity([switchy], {...opts, profile, estimates: ['cores.virtuosPrimary']})
    const high = r.variants.find((v) => v.variant.id === 'cores.virtuosPrimary@high')!
    expect(high.runs).toEqual([])
    expect(high.invalid).toMatch(/cores/)
    expect(robustness(r)[0].flips).toEqual([])
    const {json} = await sensitivityFiles(mkdtempSync(join(tmpdir(), 'virtuos-sens-')), r, {...opts, replicates: 1})
    expect(json.invalid).toEqual([{variant: 'cores.virtuosPrimary@high', reason: high.invalid}])
  })
})
