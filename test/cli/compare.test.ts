/**
 * `bench compare` end to end on the selftest experiment: a fresh baseline passes, a moved metric
 * (an edited baseline value, or a --set what-if) fails with exit 3 and is listed, missing rows fail,
 * and a baseline of another seed or profile, or a missing or malformed one, is refused with exit 2.
 * Only what the baseline covers is compared; --junit and --markdown write CI reports; --json a typed result.
 */
import {cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt} from './build.js'
import {poolCli, spawnCli} from './cli-pool.js'

/** The compiled CLI, through a pool of long-lived children (cli-pool.ts) rather than a process per command. */
const cli = poolCli({VIRTUOS_SELFTEST: '1'})

let made: string
/** A copy of the baseline made once in beforeAll, for one test to edit. */
function baselineCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'virtuos-baseline-')), 'b')
  cpSync(made, dir, {recursive: true})
  return dir
}
const compare = (dir: string, ...args: string[]) =>
  cli('bench', 'compare', '--baseline', dir, '--experiment', 'selftest', '--jobs', '1', ...args)

beforeAll(async () => {
  ensureBuilt()
  made = join(mkdtempSync(join(tmpdir(), 'virtuos-baseline-')), 'b')
  const r = await compare(made, '--update')
  // without a terminal, stderr has only the progress line of the finished experiment
  expect(r.stderr).toMatch(/^bench compare: selftest done \(1\/1\): 12 runs in \d+\.\d s\n$/)
  expect(r.stdout).toMatch(/baseline updated: 1 experiment, \d+ rows, seed 1/)
})

describe('bench compare', () => {
  it('writes a baseline manifest with seed, quick mode and a portable profile path', () => {
    const m = JSON.parse(readFileSync(join(made, 'baseline.json'), 'utf8'))
    expect(m).toMatchObject({
      format: 1,
      seed: 1,
      mode: 'quick',
      experiments: ['selftest'],
      profile: {path: 'configs/xeon-e5520.json'},
    })
    expect(m.profile.hash).toMatch(/^[0-9a-f]{12}$/)
  })

  it.concurrent('passes on an unchanged model', async () => {
    const r = await compare(made)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(
      /8 rows checked .*: 0 moved \(0 regressed, 0 improved\), 0 verdict flips, 0 missing, 0 extra: ok/,
    )
  })

  it.concurrent('compares only what the baseline covers, warning about registered experiments it lacks', async () => {
    const r = await cli('bench', 'compare', '--baseline', made, '--jobs', '1')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/8 rows checked .*: ok/)
    expect(r.stderr).toMatch(
      /^virtuos: warning: not compared, the baseline in .* does not cover syscall-overhead, .* \(add with --update --experiment /,
    )
    const outside = await compare(made, '--experiment', 'selftest,oltp')
    expect(outside.status).toBe(2)
    expect(outside.stderr).toMatch(
      /--experiment: the baseline in .* does not cover 'oltp' \(it covers: selftest\); add it with --update --experiment oltp/,
    )
  })

  it.concurrent('writes JUnit XML and a Markdown summary, and --json prints the typed result', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'virtuos-gate-'))
    const junit = join(tmp, 'sub', 'compare.xml')
    const markdown = join(tmp, 'summary.md')
    const r = await compare(made, '--set', 'machine.clock=2.5', '--junit', junit, '--markdown', markdown)
    expect(r.status).toBe(3)
    const x = readFileSync(junit, 'utf8')
    expect(x).toMatch(/<testsuite name="selftest" tests="2" failures="1"/)
    expect(x).toMatch(/name="selftest: figures"[^>]*>\n\s+<failure message="4 moved/)
    expect(x).toMatch(/name="selftest: clause 1"[^>]*>\n\s+<system-out>/)
    expect(readFileSync(markdown, 'utf8')).toMatch(/^## virtuos bench compare: ❌ figures moved/)
    const j = await compare(made, '--set', 'machine.clock=2.5', '--json')
    expect(j.status).toBe(3)
    const out = JSON.parse(j.stdout)
    expect(out.summary).toMatchObject({checked: 8, moved: 4, improved: 4, regressed: 0, failed: true})
    expect(out.moved[0]).toMatchObject({experiment: 'selftest', metric: 'throughput', class: 'improved'})
    const ok = await compare(made, '--json')
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout).summary.failed).toBe(false)
    // a report file that cannot be written is found before the run
    const bad = await compare(made, '--junit', join(markdown, 'x.xml'))
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--junit: cannot create file .*is not a directory/)
    expect(existsSync(join(tmp, 'x.xml'))).toBe(false)
  })

  it.concurrent('per-metric and absolute tolerances decide which rows move', async () => {
    const moved = await compare(made, '--set', 'machine.clock=2.5')
    expect(moved.stdout).toMatch(/4 moved/)
    expect((await compare(made, '--set', 'machine.clock=2.5', '--metric-tolerance', 'throughput=15%')).status).toBe(0)
    expect((await compare(made, '--set', 'machine.clock=2.5', '--abs-tolerance', '1e9')).status).toBe(0)
    const unknown = await compare(made, '--metric-tolerance', 'tput=5%')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(
      /--metric-tolerance: unknown metric 'tput' \(metrics compared: latency, throughput\)/,
    )
  })

  it.concurrent('fails with exit 3 and lists a metric moved beyond the tolerance, but not within it', async () => {
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
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(/moved beyond the tolerance \(largest change first\):/)
    expect(r.stdout).toMatch(
      /selftest\s+virtuos\s+clients=1, request=small\s+throughput\s+regressed\s+\S+\s+\S+\s+-9\.09%/,
    )
    expect(r.stdout).toMatch(/1 moved \(1 regressed, 0 improved\), 0 verdict flips, 0 missing, 0 extra: FAIL/)
    expect((await compare(dir, '--tolerance', '0.1')).status).toBe(0)
    expect((await compare(dir, '--tolerance', '10%')).status).toBe(0)
  })

  it.concurrent('fails when a profile constant is changed with --set (a real process: exit 3 survives)', async () => {
    const r = await spawnCli(
      ['bench', 'compare', '--baseline', made, '--experiment', 'selftest', '--jobs', '1', '--set', 'machine.clock=2.5'],
      {env: {VIRTUOS_SELFTEST: '1'}},
    )
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(/throughput .*[+-]\d+(\.\d+)?%/)
    expect(r.stdout).toMatch(/FAIL/)
  })

  it.concurrent('fails on rows the baseline has and the run does not', async () => {
    const dir = baselineCopy()
    const csv = readFileSync(join(dir, 'selftest.csv'), 'utf8')
    writeFileSync(
      join(dir, 'selftest.csv'),
      csv.replace(/^selftest,native,1,small,latency,/m, 'selftest,native,99,small,latency,'),
    )
    const r = await compare(dir)
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(
      /missing \(in the baseline, not produced now\):\n.*\n\s+selftest\s+native\s+clients=99, request=small\s+latency/,
    )
    expect(r.stdout).toMatch(/0 moved \(0 regressed, 0 improved\), 0 verdict flips, 1 missing, 1 extra: FAIL/)
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
    [
      '--set with --update',
      () => ['--update', '--set', 'machine.clock=2.5'],
      /--set: a baseline is made from a profile file as it is/,
    ],
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
