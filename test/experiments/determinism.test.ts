/**
 * Same seed, same bytes: for every registered experiment (listed when the test runs, so new ones
 * are covered), two runs in fresh processes print byte-identical CSV; and the CLI gives the same
 * CSV for --jobs 1 and --jobs 2.
 *
 * Test hook: to stay fast, each experiment runs its smallest point, the first of its quick sweep,
 * on every system it compares (DETERMINISM_SCRIPT below, against the compiled dist/). Fresh node
 * processes, so nothing cached in one run (e.g. fault-recovery's per-process scenario memo) can
 * make the second look identical.
 */
import {execFile, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {beforeAll, describe, expect, it} from 'vitest'
import {listExperiments} from '../../src/experiments/registry.js'
import {ensureBuilt, ROOT} from '../cli/build.js'

const dist = (p: string) => pathToFileURL(join(ROOT, 'dist', p)).href

/** Prints the CSV of one experiment's first quick point on all its systems, run seed from argv. */
const DETERMINISM_SCRIPT = `
const {getExperiment} = await import(${JSON.stringify(dist('experiments/registry.js'))})
const {expandPoints, pointSeed} = await import(${JSON.stringify(dist('experiments/points.js'))})
const {buildRows} = await import(${JSON.stringify(dist('experiments/rows.js'))})
const {toCsv} = await import(${JSON.stringify(dist('report/csv.js'))})
const {loadProfile} = await import(${JSON.stringify(dist('config/index.js'))})
const [id, seed] = [process.argv[1], Number(process.argv[2])]
const def = getExperiment(id)
const profile = loadProfile()
const point = expandPoints(def.axes, true)[0]
const systems = [...def.systems]
const ctx = {seed: pointSeed(seed, id, point), quick: true, profile}
const results = systems.map((s) => def.run(point, s, ctx))
process.stdout.write(toCsv(buildRows(def, systems, [point], [[results]], seed, profile.name)))
`

function smallestPointCsv(id: string, seed: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', DETERMINISM_SCRIPT, id, String(seed)],
      {cwd: ROOT, maxBuffer: 1 << 24},
      (err, stdout, stderr) => (err ? reject(new Error(`${id}: ${stderr || err.message}`)) : resolve(stdout)),
    )
  })
}

beforeAll(() => ensureBuilt())

describe('determinism', () => {
  const ids = listExperiments().map((e) => e.id)

  it('covers every registered experiment', () => {
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).toContain('fault-recovery')
  })

  it.each(ids)(
    '%s: the same seed gives byte-identical CSV in two fresh processes',
    async (id) => {
      const [a, b] = await Promise.all([smallestPointCsv(id, 11), smallestPointCsv(id, 11)])
      expect(a.split('\n').length).toBeGreaterThan(2)
      expect(b).toBe(a)
    },
    120_000,
  )

  it('bench run through the CLI: --jobs 1 and --jobs 2 (two worker threads, one task each) print the same CSV', () => {
    const run = (jobs: string) =>
      spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin/run.js'),
          'bench',
          'run',
          'coordination',
          '--system',
          'native',
          '--seed',
          '3',
          '--format',
          'csv',
          '--jobs',
          jobs,
        ],
        {cwd: ROOT, encoding: 'utf8', env: {...process.env, FORCE_COLOR: '0'}},
      )
    const one = run('1')
    const two = run('2')
    expect(one.status, one.stderr).toBe(0)
    expect(one.stdout.split('\n')[0]).toMatch(
      /^experiment,system,param_gap_us,param_spin_iterations,param_worker_yields,metric,/,
    )
    expect(two.stdout).toBe(one.stdout)
  }, 120_000)
})
