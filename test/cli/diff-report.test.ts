/**
 * Working from result folders without re-running: `bench diff A B` (the gate's classification and
 * exit codes), `bench report DIR` (charts, REPORT.md and report.html redrawn from the CSV and meta files), and
 * `bench paper --experiment X` keeping the other experiments' sections of REPORT.md and report.html.
 */
import {cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt} from './build.js'
import {poolCli} from './cli-pool.js'

/** The compiled CLI, through a pool of long-lived children (cli-pool.ts) rather than a process per command. */
const cli = poolCli({VIRTUOS_SELFTEST: '1'})

let paper: string
const copy = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'virtuos-dir-')), 'r')
  cpSync(paper, dir, {recursive: true})
  return dir
}
/** Multiplies the value of the first row matching `prefix` of DIR/<id>.csv by `factor`. */
function scale(dir: string, id: string, prefix: string, factor: number): void {
  const file = join(dir, `${id}.csv`)
  const lines = readFileSync(file, 'utf8').split('\n')
  const v = lines[0].split(',').indexOf('value')
  const i = lines.findIndex((l) => l.startsWith(prefix))
  const cells = lines[i].split(',')
  cells[v] = String(Number(cells[v]) * factor)
  lines[i] = cells.join(',')
  writeFileSync(file, lines.join('\n'))
}

beforeAll(async () => {
  ensureBuilt()
  paper = join(mkdtempSync(join(tmpdir(), 'virtuos-paper-')), 'p')
  const r = await cli('bench', 'paper', '--experiment', 'coordination,selftest', '--out', paper, '--jobs', '1')
  expect(r.status, r.stderr).toBe(0)
})

describe('bench diff', () => {
  it.concurrent('finds nothing between a folder and its copy (exit 0)', async () => {
    const r = await cli('bench', 'diff', paper, copy())
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^bench diff: 296 rows checked against .*: 0 moved .*: ok\n$/)
  })

  it.concurrent('classifies a moved row and exits 3; --json gives the typed result', async () => {
    const b = copy()
    scale(b, 'selftest', 'selftest,virtuos,1,small,throughput,', 0.5)
    const r = await cli('bench', 'diff', paper, b)
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(
      /selftest\s+virtuos\s+clients=1, request=small\s+throughput\s+regressed\s+\S+\s+\S+\s+-50%/,
    )
    const j = await cli('bench', 'diff', paper, b, '--json', '--experiment', 'selftest')
    expect(j.status).toBe(3)
    expect(JSON.parse(j.stdout)).toMatchObject({
      summary: {checked: 8, moved: 1, regressed: 1},
      experiments: ['selftest'],
    })
    expect((await cli('bench', 'diff', paper, b, '--metric-tolerance', 'throughput=60%')).status).toBe(0)
  })

  it.concurrent('compares the experiments both folders have, warning about the others', async () => {
    const b = copy()
    rmSync(join(b, 'coordination.csv'))
    const r = await cli('bench', 'diff', paper, b)
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/^virtuos: warning: not compared: coordination \(only in .*\)\n$/)
    expect(r.stdout).toMatch(/8 rows checked/)
  })

  it.concurrent('refuses a missing folder or a bad CSV with one line and exit 2', async () => {
    const missing = await cli('bench', 'diff', paper, join(tmpdir(), 'virtuos-no-such-dir'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/^virtuos: DIR_B: '.*virtuos-no-such-dir' does not exist/)
    const b = copy()
    writeFileSync(join(b, 'selftest.csv'), 'experiment,system\n')
    const bad = await cli('bench', 'diff', paper, b)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/selftest\.csv: no 'metric' column/)
    const one = await cli('bench', 'diff', paper)
    expect(one.status).toBe(2)
    expect(one.stderr).toMatch(/expected two result folders/)
  })
})

describe('bench report', () => {
  it.concurrent('redraws REPORT.md (byte for byte) and the charts from the CSV and meta files alone', async () => {
    const dir = copy()
    const report = readFileSync(join(dir, 'REPORT.md'), 'utf8')
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    const space = readFileSync(join(dir, 'design-space.csv'), 'utf8')
    const charts = readdirSync(join(dir, 'charts')).sort()
    expect(charts).toContain('design-space.svg')
    rmSync(join(dir, 'REPORT.md'))
    rmSync(join(dir, 'report.html'))
    rmSync(join(dir, 'design-space.csv'))
    rmSync(join(dir, 'charts'), {recursive: true})
    const r = await cli('bench', 'report', dir)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(
      new RegExp(`^redrew ${charts.length} chart files, REPORT\\.md and report\\.html of 2 experiments in `),
    )
    expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toBe(report)
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(html)
    expect(readFileSync(join(dir, 'design-space.csv'), 'utf8')).toBe(space)
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(charts)
  })

  it.concurrent('refuses a folder without results, or a CSV without its meta file, writing nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'virtuos-empty-'))
    const r = await cli('bench', 'report', empty)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^virtuos: DIR: no result CSV of a registered experiment/)
    const dir = copy()
    rmSync(join(dir, 'REPORT.md'))
    rmSync(join(dir, 'coordination.meta.json'))
    const m = await cli('bench', 'report', dir)
    expect(m.status).toBe(2)
    expect(m.stderr).toMatch(/coordination\.meta\.json: missing/)
    expect(existsSync(join(dir, 'REPORT.md'))).toBe(false)
    expect(existsSync(join(dir, 'report.html'))).toBe(true) // the one bench paper wrote, left as it was
  })
})

describe('bench paper --experiment', () => {
  it.concurrent("re-runs only X and keeps the other experiments' sections of REPORT.md", async () => {
    const dir = copy()
    const before = readFileSync(join(dir, 'REPORT.md'), 'utf8')
    const coordinationCsv = readFileSync(join(dir, 'coordination.csv'), 'utf8')
    const r = await cli('bench', 'paper', '--experiment', 'selftest', '--out', dir, '--jobs', '1')
    expect(r.status, r.stderr).toBe(0)
    const after = readFileSync(join(dir, 'REPORT.md'), 'utf8')
    const section = (text: string, id: string) => text.slice(text.indexOf(`<a id="${id}"></a>`)).split(/\n<a id=/)[0]
    expect(after).toContain('<a id="coordination"></a>')
    expect(section(after, 'coordination')).toBe(section(before, 'coordination'))
    expect(after).toMatch(/\| \[coordination\]\(#coordination\) \|/)
    // report.html keeps the other experiment too: its section, its charts and its CSV link
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain('<section id="coordination">')
    expect(html).toContain('<a href="coordination.csv">')
    expect(html).toContain('<section id="selftest">')
    expect(readFileSync(join(dir, 'coordination.csv'), 'utf8')).toBe(coordinationCsv)
  })
})
