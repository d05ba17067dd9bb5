/**
 * One JSON convention: every command takes oclif's --json, and what it prints validates against its
 * JSON Schema in schemas/ (as do meta.json and baseline.json files). Real outputs of the compiled CLI.
 */
import {selftest} from '../../src/experiments/selftest.js'
import {ttcpExperiment as ttcp} from '../../src/experiments/ttcp.js'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {beforeAll, describe, expect, it} from 'vitest'
import {ensureBuilt, ROOT} from './build.js'
import {poolCli} from './cli-pool.js'

/** The compiled CLI, through a pool of long-lived children (cli-pool.ts) rather than a process per command. */
const cli = poolCli({VIRTUOS_SELFTEST: '1'})

const ajv = new Ajv2020({allErrors: true, strict: true, allowUnionTypes: true})
const SCHEMAS = join(ROOT, 'schemas')
for (const f of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')))
const BASE = 'https://github.com/virtuos-bench/schemas/'

function valid(schema: string, data: unknown): void {
  const validate = ajv.getSchema(BASE + schema)
  expect(validate, `schema ${schema}`).toBeDefined()
  const ok = validate!(data)
  expect(ok, `${schema}: ${ajv.errorsText(validate!.errors)}`).toBe(true)
}

async function json(schema: string, status: number, ...args: string[]): Promise<unknown> {
  const r = await cli(...args)
  expect(r.status, r.stderr).toBe(status)
  const data = JSON.parse(r.stdout)
  valid(schema, data)
  return data
}

const tmp = () => mkdtempSync(join(tmpdir(), 'virtuos-json-'))
let paper: string
let baseline: string

beforeAll(async () => {
  ensureBuilt()
  paper = join(tmp(), 'p')
  baseline = join(tmp(), 'b')
  const [p, b] = await Promise.all([
    cli('bench', 'paper', '--experiment', 'selftest', '--out', paper, '--jobs', '1', '--json'),
    cli('bench', 'compare', '--experiment', 'selftest', '--baseline', baseline, '--update', '--jobs', '1', '--json'),
  ])
  expect(p.status, p.stderr).toBe(0)
  expect(b.status, b.stderr).toBe(0)
  valid('bench-paper.schema.json', JSON.parse(p.stdout))
  valid('bench-compare.schema.json', JSON.parse(b.stdout))
})

describe('--json of every command validates against its schema', () => {
  it('the schemas compile', () => {
    for (const f of readdirSync(SCHEMAS)) expect(ajv.getSchema(BASE + f), f).toBeDefined()
  })

  it.concurrent('bench list', async () => {
    const list = (await json('bench-list.schema.json', 0, 'bench', 'list', '--json')) as {id: string}[]
    expect(list.map((e) => e.id)).toContain('oltp')
  })

  it.concurrent('bench run: --json, and --format json as its alias, print the same records', async () => {
    const a = await json('bench-run.schema.json', 0, 'bench', 'run', 'selftest', '--jobs', '1', '--json')
    const b = await json('bench-run.schema.json', 0, 'bench', 'run', 'selftest', '--jobs', '1', '--format', 'json')
    expect(a).toEqual(b)
    // --counters adds the counters table beside the same records (selftest runs no machine: none)
    const c = await json('bench-run.schema.json', 0, 'bench', 'run', 'selftest', '--jobs', '1', '--json', '--counters')
    expect(c).toEqual({rows: a, counters: []})
  })

  it.concurrent('bench compare (same and moved) and bench diff', async () => {
    const same = (await json(
      'bench-compare.schema.json',
      0,
      'bench',
      'compare',
      '--baseline',
      baseline,
      '--jobs',
      '1',
      '--json',
    )) as {summary: {failed: boolean}}
    expect(same.summary.failed).toBe(false)
    await json(
      'bench-compare.schema.json',
      3,
      'bench',
      'compare',
      '--baseline',
      baseline,
      '--jobs',
      '1',
      '--json',
      '--set',
      'machine.clock=2.5',
      '--metric-tolerance',
      'latency=1%',
    )
    await json('bench-diff.schema.json', 0, 'bench', 'diff', baseline, paper, '--json')
  })

  it.concurrent('bench report', async () => {
    await json('bench-report.schema.json', 0, 'bench', 'report', paper, '--json')
  })

  it.concurrent('config show and config validate (good and bad files)', async () => {
    await json('config-show.schema.json', 0, 'config', 'show', '--json')
    await json('config-validate.schema.json', 0, 'config', 'validate', join(ROOT, 'configs/xeon-e5520.json'), '--json')
    const bad = (await json(
      'config-validate.schema.json',
      2,
      'config',
      'validate',
      join(ROOT, 'package.json'),
      '--json',
    )) as {files: {ok: boolean; problems: string[]}[]}
    expect(bad.files[0].ok).toBe(false)
    expect(bad.files[0].problems.length).toBeGreaterThan(0)
  })

  it.concurrent('perf: tasks, and --experiments', async () => {
    await json('perf.schema.json', 0, 'perf', '--task', 'hold-model', '--time', '20', '--json')
  })

  it.concurrent('a refused input under --json: one JSON error on stdout, the line on stderr, exit 2', async () => {
    const e = (await json('error.schema.json', 2, 'bench', 'run', 'nope', '--json')) as {error: {message: string}}
    expect(e.error.message).toMatch(/unknown experiment 'nope'/)
    const r = await cli('bench', 'run', 'nope', '--json')
    expect(r.stderr).toMatch(/^virtuos: unknown experiment 'nope'/)
    await json('error.schema.json', 2, 'bench', 'run', 'selftest', '--replicates', '0', '--json')
  })

  it.concurrent('bench sensitivity --dry-run: the plan, and nothing run or written', async () => {
    const out = tmp()
    const args = ['bench', 'sensitivity', '--experiment', 'selftest', '--dry-run', '--out', out, '--json']
    const plan = (await json('bench-sensitivity.schema.json', 0, ...args)) as Record<string, unknown>
    valid('sensitivity-plan.schema.json', plan)
    expect(plan).toMatchObject({dryRun: true, method: 'oat', readsKnown: false, invalid: 0})
    expect(plan.variants).toBeGreaterThan(1)
    expect(plan.experiments).toMatchObject([{id: 'selftest', readsRecorded: false}])
    expect(readdirSync(out)).toEqual([])
  })

  it.concurrent(
    'bench sensitivity --system: the plan counts only those systems; one the experiment lacks is refused',
    async () => {
      const base = ['bench', 'sensitivity', '--experiment', 'selftest', '--dry-run', '--out', tmp(), '--json']
      const all = (await json('bench-sensitivity.schema.json', 0, ...base)) as {experiments: {tasks: number}[]}
      const one = (await json('bench-sensitivity.schema.json', 0, ...base, '--system', 'virtuos')) as typeof all
      expect(one.experiments[0].tasks * selftest.systems.length).toBe(all.experiments[0].tasks)
      await json('error.schema.json', 2, ...base, '--system', 'flexsc')
    },
  )

  it.concurrent(
    'bench sensitivity without --system runs of each experiment only the systems its clauses read',
    async () => {
      const base = ['bench', 'sensitivity', '--experiment', 'ttcp', '--dry-run', '--out', tmp(), '--json']
      const read = (await json('bench-sensitivity.schema.json', 0, ...base)) as {experiments: {tasks: number}[]}
      const every = ['--system', ttcp.systems.join(',')]
      const all = (await json('bench-sensitivity.schema.json', 0, ...base, ...every)) as typeof read
      // ttcp's clauses compare virtuos with native: two of its five systems
      expect(read.experiments[0].tasks * ttcp.systems.length).toBe(all.experiments[0].tasks * 2)
    },
  )

  it.concurrent('check', async () => {
    await json('check.schema.json', 0, 'check', '--seeds', '2', '--jobs', '1', '--json')
  })
})

describe('files validate against their schemas', () => {
  it('meta.json of a fresh run (with gitDirty and the Node version) and of the committed baseline', () => {
    const meta = JSON.parse(readFileSync(join(paper, 'selftest.meta.json'), 'utf8'))
    valid('meta.schema.json', meta)
    expect(meta.runtime.node).toBe(process.version)
    for (const f of readdirSync(join(ROOT, 'results/baseline')).filter((n) => n.endsWith('.meta.json'))) {
      valid('meta.schema.json', JSON.parse(readFileSync(join(ROOT, 'results/baseline', f), 'utf8')))
    }
  })

  it('claims.json of a paper run', () => {
    valid('claims.schema.json', JSON.parse(readFileSync(join(paper, 'claims.json'), 'utf8')))
  })

  it('baseline.json, fresh and committed', () => {
    valid('baseline.schema.json', JSON.parse(readFileSync(join(baseline, 'baseline.json'), 'utf8')))
    valid('baseline.schema.json', JSON.parse(readFileSync(join(ROOT, 'results/baseline/baseline.json'), 'utf8')))
  })
})
