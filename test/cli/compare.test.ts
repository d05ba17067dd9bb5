/**
 * `bench compare` end to end on the selftest experiment: a fresh baseline passes, a moved metric
 * (an edited baseline value, or a --set what-if) fails with exit 1 and is listed, missing rows fail,
 * and a baseline of another seed or profile, or a missing or malformed one, is refused with exit 2.
 */
import {execFile} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt, ROOT} from './build.js'

function cli(...args: string[]): Promise<{status: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/run.js'), ...args], {cwd: ROOT, env: {...process.env, VIRTUOS_SELFTEST: '1', FORCE_COLOR: '0'}}, (err, stdout, stderr) =>
      resolve({status: err ? ((err as {code?: number}).code ?? null) : 0, stdout, stderr}),
    )
  })
}

let made: string
/** A copy of the baseline made once in beforeAll, for one test to edit. */
function baselineCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'virtuos-baseline-')), 'b')
  cpSync(made, dir, {recursive: true})
  return dir
}
const compare = (dir: string, ...args: string[]) => cli('bench', 'compare', '--baseline', dir, '--experiment', 'selftest', '--jobs', '1', ...args)

beforeAll(async () => {
  ensureBuilt()
  made = join(mkdtempSync(join(tmpdir(), 'virtuos-baseline-')), 'b')
  const r = await compare(made, '--update')
  expect(r.stderr).toBe('')
  expect(r.stdout).toMatch(/baseline updated: 1 experiment, \d+ rows, seed 1/)
})

describe('bench compare', () => {
  it('writes a baseline manifest with seed, quick mode and a portable profile path', () => {
    const m = JSON.parse(readFileSync(join(made, 'baseline.json'), 'utf8'))
    expect(m).toMatchObject({format: 1, seed: 1, mode: 'quick', experiments: ['selftest'], profile: {path: 'configs/xeon-e5520.json'}})
    expect(m.profile.hash).toMatch(/^[0-9a-f]{12}$/)
  })

  it.concurrent('passes on an unchanged model', async () => {
    const r = await compare(made)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/8 rows checked .*: 0 moved, 0 missing, 0 extra: ok/)
  })

  it.concurrent('fails with exit 1 and lists a metric moved beyond the tolerance, but not within it', async () => {
    const dir = baselineCopy()
    const csv = readFileSync(join(dir, 'selftest.csv'), 'utf8').split('\n')
    // Raise the first virtuos throughput of the baseline by 10%: the fresh run is 9.1% below it.
    const i = csv.findIndex((l) => l.startsWith('selftest,virtuos,') && l.includes(',throughput,'))
    const cells = csv[i].split(',')
    const value = csv[0].split(',').indexOf('value')
    cells[value] = String(Number(cells[value]) * 1.1)
    csv[i] = cells.join(',')
    writeFileSync(join(dir, 'selftest.csv'), csv.join('\n'))
    const r = await compare(dir)
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/moved beyond 2% \(worst first\):/)
    expect(r.stdout).toMatch(/selftest\s+virtuos\s+clients=1, request=small\s+throughput\s+\S+\s+\S+\s+-9\.09%/)
    expect(r.stdout).toMatch(/1 moved, 0 missing, 0 extra: FAIL/)
    expect((await compare(dir, '--tolerance', '0.1')).status).toBe(0)
  })

  it.concurrent('fails when a profile constant is changed with --set', async () => {
    const r = await compare(made, '--set', 'machine.clock=2.5')
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/throughput .*[+-]\d+(\.\d+)?%/)
    expect(r.stdout).toMatch(/FAIL/)
  })

  it.concurrent('fails on rows the baseline has and the run does not', async () => {
    const dir = baselineCopy()
    const csv = readFileSync(join(dir, 'selftest.csv'), 'utf8')
    writeFileSync(join(dir, 'selftest.csv'), csv.replace(/^selftest,native,1,small,latency,/m, 'selftest,native,99,small,latency,'))
    const r = await compare(dir)
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/missing \(in the baseline, not produced now\):\n.*\n\s+selftest\s+native\s+clients=99, request=small\s+latency/)
    expect(r.stdout).toMatch(/0 moved, 1 missing, 1 extra: FAIL/)
  })

  const refused: [string, (dir: string) => string[], RegExp][] = [
    ['another seed', () => ['--seed', '7'], /made with seed 1, not 7/],
    [
      'another profile hash',
      (dir) => {
        const m = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'))
        m.profile.hash = '000000000000'
        writeFileSync(join(dir, 'baseline.json'), JSON.stringify(m))
        return []
      },
      /made with profile xeon-e5520 .*hash 000000000000.*now hashes to [0-9a-f]{12}: refusing to compare/,
    ],
    ['another profile file', () => ['--config', 'configs/flexsc-i7.json'], /refusing to compare/],
    [
      'a malformed manifest',
      (dir) => {
        writeFileSync(join(dir, 'baseline.json'), '{"format": 1, "seed": "one"}')
        return []
      },
      /baseline\.json: malformed baseline manifest: /,
    ],
    [
      'a malformed CSV',
      (dir) => {
        writeFileSync(join(dir, 'selftest.csv'), 'experiment,system\nselftest,native\n')
        return []
      },
      /selftest\.csv: no 'metric' column/,
    ],
    ['a bad tolerance', () => ['--tolerance', 'lots'], /--tolerance: 'lots'/],
    ['--set with --update', () => ['--update', '--set', 'machine.clock=2.5'], /--set: a baseline is made from a profile file as it is/],
  ]
  it.concurrent.each(refused)('refuses %s with one line and exit 2', async (_name, prepare, message) => {
    const dir = baselineCopy()
    const r = await compare(dir, ...prepare(dir))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stdout).toBe('')
  })

  it.concurrent('refuses a missing baseline directory, naming it and how to make one', async () => {
    const r = await compare(join(tmpdir(), 'virtuos-no-such-baseline'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--baseline: '.*virtuos-no-such-baseline' does not exist .*--update/)
  })
})
