/**
 * End to end: the compiled CLI with the test-only `selftest` experiment, through a pool of CLI
 * children (cli-pool.ts), two cases as real processes. Few and coarse on purpose; the details are
 * unit-tested in test/experiments and test/report.
 */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt} from './build.js'
import {poolCli, spawnCli} from './cli-pool.js'

/** The compiled CLI, through a pool of long-lived children (cli-pool.ts) rather than a process per command. */
const cli = poolCli({VIRTUOS_SELFTEST: '1'})
/** As its own process, for what a shell sees. */
const spawn = (...args: string[]) => spawnCli(args, {env: {VIRTUOS_SELFTEST: '1'}})

const tmp = () => mkdtempSync(join(tmpdir(), 'virtuos-cli-'))

beforeAll(() => ensureBuilt())

/** What a run wrote into DIR besides its resume cache (DIR/.cache: see --no-cache). */
const outputs = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f !== '.cache')
    .sort()

describe('virtuos --help', () => {
  it('lists the bench and perf topics', async () => {
    const {status, stdout} = await cli('--help')
    expect(status).toBe(0)
    expect(stdout).toMatch(/^\s+bench\s/m)
    expect(stdout).toMatch(/^\s+perf\s/m)
  })
})

describe('bench list', () => {
  it('prints ids and titles, and JSON with systems, axes and metrics', async () => {
    expect((await cli('bench', 'list')).stdout).toMatch(/^selftest\s+\S/m)
    const list = JSON.parse((await cli('bench', 'list', '--json')).stdout) as {
      id: string
      systems: string[]
      axes: {name: string}[]
      metrics: unknown[]
    }[]
    const self = list.find((e) => e.id === 'selftest')!
    expect(self.systems).toContain('native')
    expect(self.axes.length).toBeGreaterThan(0)
    expect(self.metrics.length).toBeGreaterThan(0)
  })
})

describe('bench run', () => {
  it('prints CSV with the documented columns, identical across runs and job counts, and writes the same CSV with --out', async () => {
    const out = join(tmp(), 'res')
    // a real process once: what a shell pipes is the same CSV
    const [a, b, c] = await Promise.all([
      spawn('bench', 'run', 'selftest', '--format', 'csv', '--seed', '5', '--jobs', '1'),
      cli('bench', 'run', 'selftest', '--format', 'csv', '--seed', '5', '--jobs', '2', '--out', out),
      cli('bench', 'run', 'selftest', '--format', 'csv', '--seed', '6', '--jobs', '1'),
    ])
    expect(a.status).toBe(0)
    const lines = a.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(
      /^experiment,system,(param_\w+,)+metric,value,ci95_low,ci95_high,replicates,unit,better,native_value,ratio_vs_native,ratio_ci95_low,ratio_ci95_high,samples,seed,profile,profile_hash,overrides$/,
    )
    expect(lines.length).toBeGreaterThan(2)
    expect(lines.slice(1).every((l) => l.startsWith('selftest,'))).toBe(true)
    expect(b.stdout).toBe(a.stdout)
    expect(c.stdout).not.toBe(a.stdout)
    expect(readFileSync(join(out, 'selftest.csv'), 'utf8')).toBe(a.stdout)
    const meta = JSON.parse(readFileSync(join(out, 'selftest.meta.json'), 'utf8'))
    expect(meta).toMatchObject({seed: 5, mode: 'quick', jobs: 2, tool: {name: 'virtuos-bench'}})
    expect(typeof meta.profile.hash).toBe('string')
    expect(meta.engine.events).toBeGreaterThan(0)
    expect(outputs(out)).toEqual(['selftest.csv', 'selftest.meta.json'])
  })

  it('prints JSON rows and a table', async () => {
    const rows = JSON.parse(
      (await cli('bench', 'run', 'selftest', '--format', 'json', '--system', 'native')).stdout,
    ) as {
      system: string
    }[]
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.system === 'native')).toBe(true)
    const table = await cli('bench', 'run', 'selftest', '--jobs', '1')
    expect(table.stdout).toMatch(/system\s+metric\s+value\s+±95%\s+unit\s+vs native/)
  })

  const bad: [string, string[], RegExp][] = [
    ['unknown experiment', ['bench', 'run', 'nope'], /unknown experiment 'nope' \(accepted: .*selftest/],
    ['unknown system', ['bench', 'run', 'selftest', '--system', 'linux'], /--system: unknown system 'linux'/],
    ['unsupported system', ['bench', 'run', 'selftest', '--system', 'flexsc'], /does not compare 'flexsc'/],
    ['bad format', ['bench', 'run', 'selftest', '--format', 'xml'], /--format: .*accepted: table, csv, json/],
    ['malformed --set', ['bench', 'run', 'selftest', '--set', 'nokey'], /--set: 'nokey' is malformed/],
    ['non-numeric seed', ['bench', 'run', 'selftest', '--seed', 'abc'], /--seed: 'abc'/],
    ['negative seed', ['bench', 'run', 'selftest', '--seed', '-1'], /--seed/],
    ['zero jobs', ['bench', 'run', 'selftest', '--jobs', '0'], /--jobs: '0'/],
    ['unknown flag', ['bench', 'run', 'selftest', '--bogus'], /--bogus/],
    [
      'quick and full',
      ['bench', 'paper', '--quick', '--full'],
      /^virtuos: --quick and --full exclude each other \(give one; --quick is the default\)$/m,
    ],
  ]
  it.concurrent.each(bad)('%s: one line on stderr, exit 2, no file', async (_name, args, message) => {
    const out = join(tmp(), 'res')
    const r = await cli(...args, '--out', out)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
    expect(existsSync(out)).toBe(false)
  })
})

describe('bench paper', () => {
  it('writes CSV, metadata, SVG and PNG charts, REPORT.md and report.html into --out, the CSV identical to bench run', async () => {
    const out = join(tmp(), 'paper')
    const r = await cli('bench', 'paper', '--experiment', 'selftest', '--out', out, '--jobs', '1')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/report: .*REPORT\.md/)
    expect(outputs(out)).toEqual([
      'REPORT.md',
      'charts',
      'claims.json',
      'design-space.csv',
      'report.html',
      'selftest.csv',
      'selftest.meta.json',
    ])
    expect(readdirSync(join(out, 'charts')).sort()).toEqual([
      'design-space.png',
      'design-space.svg',
      'selftest.latency.png',
      'selftest.latency.svg',
      'selftest.throughput.png',
      'selftest.throughput.svg',
    ])
    expect(readFileSync(join(out, 'charts', 'selftest.latency.svg'), 'utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    )
    expect(
      readFileSync(join(out, 'charts', 'selftest.latency.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
    expect(readFileSync(join(out, 'REPORT.md'), 'utf8')).toMatch(/^## Self-test: .*\(`selftest`\)$/m)
    expect(readFileSync(join(out, 'selftest.csv'), 'utf8')).toBe(
      (await cli('bench', 'run', 'selftest', '--format', 'csv', '--jobs', '1')).stdout,
    )
  })

  it('regenerating an experiment into the same --out removes its charts of an earlier run, and only its own', async () => {
    const out = tmp()
    mkdirSync(join(out, 'charts'))
    const stale = ['selftest.gone_metric.svg', 'selftest.gone_metric.png']
    const others = ['coordination.latency_ns.svg', 'selftest.notes.txt']
    for (const f of [...stale, ...others]) writeFileSync(join(out, 'charts', f), 'from an earlier run')
    const r = await cli('bench', 'paper', '--experiment', 'selftest', '--out', out, '--jobs', '1')
    expect(r.status).toBe(0)
    const left = readdirSync(join(out, 'charts'))
    for (const f of stale) expect(left).not.toContain(f)
    expect(left).toEqual(expect.arrayContaining([...others, 'selftest.latency.svg', 'selftest.latency.png']))
  })

  it('leaves no file when the output cannot be written (exit 2, one line)', async () => {
    const out = tmp()
    writeFileSync(join(out, 'charts'), '')
    const r = await spawn('bench', 'paper', '--experiment', 'selftest', '--out', out, '--jobs', '1')
    expect(r.status).toBe(2)
    // without a terminal, the finished experiment's progress line comes first, then the one error line
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^bench paper: selftest done \(1\/1\)/)
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^virtuos: --out: cannot write .*charts/)])
    // no output file; the finished task stays in the resume cache, a whole file, for the next try
    expect(outputs(out)).toEqual(['charts'])
    expect(readdirSync(join(out, '.cache/tasks'), {recursive: true}).filter((f) => String(f).endsWith('.tmp'))).toEqual(
      [],
    )
  })
})
