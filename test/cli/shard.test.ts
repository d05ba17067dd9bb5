/**
 * Runs split across machines: three `--shard K/N` processes, then `bench merge`, give the files of
 * the unsharded run byte for byte, except the host timings (wall time, host seconds, events/s) that
 * differ between any two runs, sharded or not.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt, ROOT} from './build.js'
import {sensitivityShardName} from '../../src/report/sensitivity-shard.js'

function cli(...args: string[]): Promise<{status: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/run.js'), ...args],
      {cwd: ROOT, env: {...process.env, VIRTUOS_SELFTEST: '1', FORCE_COLOR: '0'}},
      (err, stdout, stderr) => resolve({status: err ? ((err as {code?: number}).code ?? null) : 0, stdout, stderr}),
    )
  })
}

/** A Slurm recipe run as the array task `id` of `count` (the variables Slurm sets). */
function slurm(script: string, env: Record<string, string>, ...args: string[]) {
  return new Promise<{status: number | null; stderr: string}>((resolve) => {
    execFile(
      'bash',
      [join(ROOT, 'scripts/slurm', script), ...args],
      {cwd: ROOT, env: {...process.env, VIRTUOS_SELFTEST: '1', FORCE_COLOR: '0', ...env}},
      (err, _out, stderr) => resolve({status: err ? ((err as {code?: number}).code ?? null) : 0, stderr}),
    )
  })
}

function files(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((f) => !f.startsWith('.cache') && statSync(join(dir, f)).isFile())
    .sort()
}

/** Host timings only: every simulated number stays. */
function untimed(text: string): string {
  return text
    .replace(/"(wallSeconds|hostSeconds|eventsPerSecond|simulatedSecondsPerHostSecond)": [\d.e+-]+/g, '"$1": T')
    .replace(/events in [\d.e+-]+ s \([^)]*\); wall time [\d.]+ s/g, 'events in T')
}

const ajv = new Ajv2020({allErrors: true, strict: true, allowUnionTypes: true})
for (const f of readdirSync(join(ROOT, 'schemas')))
  ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')))
function valid(schema: string, data: unknown): void {
  const validate = ajv.getSchema(`https://github.com/virtuos-bench/schemas/${schema}`)!
  expect(validate(data), `${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true)
}

const SWEEP = ['--experiment', 'selftest', '--replicates', '3', '--seed', '4', '--set', 'cpu.pause=10']
const tmp = () => mkdtempSync(join(tmpdir(), 'virtuos-shard-'))

describe('bench paper --shard K/N and bench merge', () => {
  let whole: string
  let merged: string
  let shards: string
  beforeAll(async () => {
    ensureBuilt()
    whole = join(tmp(), 'whole')
    shards = tmp()
    merged = join(tmp(), 'merged')
    // the shards through the Slurm recipe, as array tasks 0..2 (a 0-based array), the merge through its job
    const array = (id: number) => ({
      SLURM_ARRAY_TASK_ID: `${id}`,
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_COUNT: '3',
      SLURM_CPUS_PER_TASK: '1',
      SHARD_DIR: shards,
    })
    const runs = await Promise.all([
      cli('bench', 'paper', ...SWEEP, '--full', '--jobs', '1', '--out', whole),
      ...[0, 1, 2].map((id) => slurm('shard.sbatch', {...array(id), MODE: 'full'}, ...SWEEP)),
    ])
    for (const r of runs) expect(r.status, r.stderr).toBe(0)
    const m = await slurm('merge.sbatch', {SHARD_DIR: shards, OUT_DIR: merged})
    expect(m.status, m.stderr).toBe(0)
  }, 120_000)

  it('writes one shard file per shard and nothing else', () => {
    expect(files(shards)).toEqual(['shard-1-of-3.json', 'shard-2-of-3.json', 'shard-3-of-3.json'])
    expect(files(merged)).toContain('REPORT.md')
    for (const f of files(shards)) valid('shard.schema.json', JSON.parse(readFileSync(join(shards, f), 'utf8')))
  })

  it('merges into the unsharded files: CSV, charts, claims.json byte for byte; meta and REPORT.md but for host timings', () => {
    expect(files(merged)).toEqual(files(whole))
    for (const f of files(whole)) {
      const a = readFileSync(join(whole, f))
      const b = readFileSync(join(merged, f))
      if (/\.(csv|svg|png)$|claims\.json$/.test(f)) expect(b.equals(a), relative(ROOT, f)).toBe(true)
      else expect(untimed(b.toString()), f).toBe(untimed(a.toString()))
    }
  })

  it('refuses a missing shard with one line and exit 2 (the other refusals: test/report/shardfile.test.ts)', async () => {
    const r = await cli('bench', 'merge', join(shards, 'shard-1-of-3.json'), '--out', join(tmp(), 'x'))
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/missing shard 2\/3, 3\/3/)
  })
})

describe('the GitHub Actions recipe', () => {
  it('runs one shard per matrix entry and merges them, with the commands tested above', () => {
    const yml = readFileSync(join(ROOT, '.github/workflows/sharded-paper.yml'), 'utf8')
    const shards = Number(/SHARDS: (\d+)/.exec(yml)?.[1])
    const matrix = /shard: \[([\d, ]+)\]/.exec(yml)?.[1].split(',').map(Number)
    expect(matrix).toEqual(Array.from({length: shards}, (_, i) => i + 1))
    expect(yml).toContain(
      'bench paper --${{ inputs.mode }} --seed ${{ inputs.seed }} --jobs 2 --shard ${{ matrix.shard }}/${{ env.SHARDS }} --out shards',
    )
    expect(yml).toContain('bench merge shards --out results/merged')
    expect(yml).toMatch(/merge:\n\s+needs: shard/)
  })
})

describe('bench run --shard K/N', () => {
  it('needs --out, and its shards merge into the CSV of bench run --out', async () => {
    const noOut = await cli('bench', 'run', 'selftest', '--shard', '1/2')
    expect(noOut.status).toBe(2)
    expect(noOut.stderr).toMatch(/--shard: .*give --out DIR/)
    const [whole, shards, merged] = [tmp(), tmp(), join(tmp(), 'm')]
    const runs = await Promise.all([
      cli('bench', 'run', 'selftest', '--jobs', '1', '--out', whole),
      cli('bench', 'run', 'selftest', '--jobs', '1', '--shard', '1/2', '--out', shards),
      cli('bench', 'run', 'selftest', '--jobs', '1', '--shard', '2/2', '--out', shards, '--json'),
    ])
    for (const r of runs) expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(runs[2].stdout)).toMatchObject({shard: {index: 2, count: 2}, experiments: ['selftest']})
    valid('bench-run.schema.json', JSON.parse(runs[2].stdout))
    const m = await cli('bench', 'merge', shards, '--out', merged, '--json')
    expect(m.status, m.stderr).toBe(0)
    valid('bench-merge.schema.json', JSON.parse(m.stdout))
    expect(files(merged)).toEqual(['selftest.csv', 'selftest.meta.json'])
    expect(readFileSync(join(merged, 'selftest.csv'), 'utf8')).toBe(readFileSync(join(whole, 'selftest.csv'), 'utf8'))
  })
})

describe('bench sensitivity --shard K/N', () => {
  it('two shards merge into the files of the unsharded analysis', async () => {
    const args = ['bench', 'sensitivity', '--experiment', 'selftest', '--estimate', 'cpu.wakeup,nic.txPacket']
    const [whole, shards, merged] = [tmp(), tmp(), join(tmp(), 'm')]
    // shard 1 through the Slurm recipe (BENCH=sensitivity, array task 1 of 1..2), shard 2 by hand
    const task = {SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', SLURM_CPUS_PER_TASK: '1'}
    const runs = await Promise.all([
      cli(...args, '--jobs', '1', '--out', whole, '--json'),
      slurm('shard.sbatch', {...task, BENCH: 'sensitivity', MODE: 'quick', SHARD_DIR: shards}, ...args.slice(2)),
      cli(...args, '--jobs', '1', '--shard', '2/2', '--out', shards, '--json'),
    ])
    for (const r of runs) expect(r.status, r.stderr).toBe(0)
    valid('bench-sensitivity.schema.json', JSON.parse(runs[0].stdout))
    valid('bench-sensitivity.schema.json', JSON.parse(runs[2].stdout))
    expect(files(shards)).toEqual(['sensitivity-shard-1-of-2.json', 'sensitivity-shard-2-of-2.json'])
    const m = await cli('bench', 'merge', shards, '--out', merged, '--json')
    expect(m.status, m.stderr).toBe(0)
    valid('bench-merge.schema.json', JSON.parse(m.stdout))
    // the unsharded run also keeps its default run's reads for the next plan: a record, not an output
    const outputs = files(whole).filter((f) => f !== 'sensitivity-reads.json')
    expect(outputs.length).toBe(files(whole).length - 1)
    expect(files(merged)).toEqual(outputs)
    for (const f of outputs) expect(readFileSync(join(merged, f), 'utf8'), f).toBe(readFileSync(join(whole, f), 'utf8'))
  })

  it('refuses to merge shards that ran an experiment on different systems', async () => {
    const args = ['bench', 'sensitivity', '--experiment', 'selftest', '--estimate', 'cpu.wakeup', '--jobs', '1']
    const shards = tmp()
    const runs = await Promise.all([
      cli(...args, '--shard', '1/2', '--out', shards),
      cli(...args, '--system', 'virtuos', '--shard', '2/2', '--out', shards),
    ])
    for (const r of runs) expect(r.status, r.stderr).toBe(0)
    const m = await cli('bench', 'merge', shards, '--out', join(tmp(), 'm'))
    expect(m.status).toBe(2)
    expect(m.stderr).toMatch(/from another run .*experimentSystems differs/)
  })

  it('the GitHub Actions recipe runs one shard per matrix entry, uploads the shard files, merges them', () => {
    const yml = readFileSync(join(ROOT, '.github/workflows/sharded-sensitivity.yml'), 'utf8')
    const shards = Number(/SHARDS: (\d+)/.exec(yml)?.[1])
    const matrix = /shard: \[([\d, ]+)\]/.exec(yml)?.[1].split(',').map(Number)
    expect(matrix).toEqual(Array.from({length: shards}, (_, i) => i + 1))
    expect(yml).toContain(
      'bench sensitivity --${{ inputs.mode }} --method ${{ inputs.method }} --seed ${{ inputs.seed }}',
    )
    expect(yml).toContain('--shard ${{ matrix.shard }}/${{ env.SHARDS }} --out shards')
    // the files the command writes are the files the job uploads
    expect(yml).toContain(`path: shards/${sensitivityShardName({index: 1, count: 1}).replace('1-of-1', '*')}`)
    expect(yml).toContain('bench merge shards --out results/robustness')
    expect(yml).toMatch(/merge:\n\s+needs: shard/)
  })
})
