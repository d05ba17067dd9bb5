/** `--counters`: the counters CSV beside the experiment's CSV, the terminal table, REPORT.md's short table. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {mergeShards, runExperiments, runShard} from '../../src/experiments/runner.js'
import type {CounterEntry} from '../../src/experiments/counter-metrics.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {
  COUNTER_COLUMNS,
  countersSection,
  countersFile,
  readCountersCsv,
  renderCounters,
  withCounters,
  writeCounters,
} from '../../src/report/counters.js'
import {csvIds} from '../../src/report/resultdir.js'
import {readShardFile, shardFileText, shardRunInfo} from '../../src/report/shardfile.js'
import {fakeEngine, fakeProfile} from '../experiments/fixtures.js'

const entry = (domain: string, mode: CounterEntry['mode'], cycles: number, instructions: number): CounterEntry => ({
  domain,
  mode,
  cores: '0-1',
  cycles,
  instructions,
  misses: {l1i: 1, l1d: 2, l2: 3, l3: 4, dtlb: 5},
})

/** Counters that grow with the point's threads; virtuos also spends time in Xen. */
const counted: ExperimentDef = {
  id: 'counted',
  title: 'Counted',
  reproduces: 'nothing',
  axes: [{name: 'threads', quick: [1, 2], full: [1, 2]}],
  systems: ['native', 'virtuos'],
  metrics: [{name: 'latency', unit: 'cycles', better: 'lower'}],
  run(point, system) {
    const n = Number(point.threads)
    const counters = [entry(system === 'native' ? 'native' : 'primary', 'user', 2000 * n, 1000 * n)]
    if (system === 'virtuos') counters.push(entry('primary', 'hypervisor', 500, 160))
    return {metrics: {latency: n}, engine: fakeEngine(1), counters}
  },
}

async function run() {
  const [r] = await runExperiments([counted], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
  return r
}

describe('--counters output', () => {
  it('writes <id>.counters.csv with the documented columns, one line per point x system x domain x mode x cores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'counters-'))
    const r = await run()
    const [path] = writeCounters(dir, [r])
    expect(path).toBe(join(dir, countersFile('counted')))
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n')
    expect(header.split(',')).toEqual(['experiment', 'system', 'param_threads', ...COUNTER_COLUMNS])
    expect(COUNTER_COLUMNS).toEqual([
      'domain',
      'mode',
      'cores',
      'cycles',
      'instructions',
      'ipc',
      'l1i_mpki',
      'l1d_mpki',
      'l2_mpki',
      'l3_mpki',
      'dtlb_mpki',
      'l1i_misses',
      'l1d_misses',
      'l2_misses',
      'l3_misses',
      'dtlb_misses',
    ])
    expect(lines).toHaveLength(6)
    // threads=2 on native: 4000 cycles, 2000 instructions, IPC 0.5, 1 L1i miss per 2k instructions
    expect(lines[3].split(',')).toEqual([
      'counted',
      'native',
      '2',
      'native',
      'user',
      '0-1',
      '4000',
      '2000',
      '0.5',
      '0.5',
      '1',
      '1.5',
      '2',
      '2.5',
      '1',
      '2',
      '3',
      '4',
      '5',
    ])
    // read back, the file gives the run's counters exactly (bench report redraws REPORT.md from it)
    expect(readCountersCsv(readFileSync(path, 'utf8'), path)).toEqual(r.counters)
    expect(() => readCountersCsv('system,domain\nnative,x\n', 'bad.csv')).toThrow(/^bad.csv: not a counters file/)
    expect(lines[5].split(',').slice(3, 9)).toEqual(['primary', 'hypervisor', '0-1', '500', '160', '0.32'])
    // a counters file is not an experiment's rows: result folders list only <id>.csv
    writeFileSync(join(dir, 'counted.csv'), 'x\n')
    expect(csvIds(dir, '--out')).toEqual(['counted'])
  })

  it('prints the table on the terminal, carries it in --json, and REPORT.md shows it at the last point', async () => {
    const r = await run()
    const text = renderCounters(r)
    expect(text).toMatch(/^counted: counters by system, domain, mode and core group\n/)
    expect(text).toMatch(/threads\s+system\s+domain\s+mode\s+cores\s+cycles/)
    expect(withCounters([], undefined)).toEqual([])
    expect(withCounters([], [{a: 1}])).toEqual({rows: [], counters: [{a: 1}]})
    const md = countersSection(r).join('\n')
    expect(md).toMatch(/^Counters at threads=2 /)
    expect(md).toContain('| virtuos | primary | hypervisor | 0-1 | 500 | 160 | 0.32 |')
    expect(md).not.toContain('| native | native | user | 0-1 | 2000 |') // threads=1 is not shown
    expect(countersSection({...r, counters: undefined})).toEqual([])
  })

  it('a shard file keeps the counters, so merged runs have them for REPORT.md', async () => {
    const options = {seed: 1, quick: true, profile: fakeProfile, jobs: 1}
    const dir = mkdtempSync(join(tmpdir(), 'counters-shard-'))
    const info = shardRunInfo('run', {experiments: ['counted'], ...options, replicates: 1, sets: []})
    const shards = []
    for (const index of [1, 2]) {
      const path = join(dir, `shard-${index}.json`)
      writeFileSync(path, shardFileText(info, await runShard([counted], options, {index, count: 2})))
      shards.push(readShardFile(path))
    }
    const [merged] = mergeShards([counted], options, shards)
    expect(merged.counters).toEqual((await run()).counters)
  })
})
