/** bench sensitivity's files: robustness.json by its schema, and REPORT.md's section kept in place. */
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {selftest} from '../../src/experiments/selftest.js'
import {runSensitivity} from '../../src/experiments/sensitivity-run.js'
import {keepRobustness, ROBUSTNESS_FILE, withRobustness} from '../../src/report/robustness-md.js'
import {sensitivityFiles} from '../../src/report/sensitivity-files.js'

const ROOT = join(import.meta.dirname, '../..')
const ajv = new Ajv2020({allErrors: true, strict: true, allowUnionTypes: true})
for (const f of readdirSync(join(ROOT, 'schemas')))
  ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')))

describe('withRobustness', () => {
  it('appends the section once, then replaces it in place', () => {
    const once = withRobustness('# Report\n\ntext\n', '## How robust is each verdict?\n\nA\n')
    expect(once).toMatch(/^# Report\n\ntext\n\n<!-- robustness/)
    const twice = withRobustness(`${once}## Later\n`, '## How robust is each verdict?\n\nB\n')
    expect(twice).not.toContain('\nA\n')
    expect(twice).toContain('\nB\n')
    expect(twice.endsWith('## Later\n')).toBe(true)
    expect(twice.match(/How robust/g)).toHaveLength(1)
  })
})

describe('sensitivityFiles', () => {
  it('writes robustness.json by its schema, the CSV, a tornado per experiment, and REPORT.md keeps the section', async () => {
    const profile = loadProfile({})
    const opts = {seed: 1, quick: true, jobs: 1, profile, method: 'oat' as const, trajectories: 2, levels: 4}
    const result = await runSensitivity([selftest], {...opts, estimates: ['cpu.wakeup']})
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-sens-'))
    writeFileSync(join(dir, 'REPORT.md'), '# Report\n')
    const {files, json} = await sensitivityFiles(dir, result, {...opts, replicates: 1})
    const validate = ajv.getSchema('https://github.com/virtuos-bench/schemas/robustness.schema.json')!
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)
    expect(files.map((f) => f.path.slice(dir.length + 1)).sort()).toEqual([
      'REPORT.md',
      'charts/selftest.tornado.svg',
      'robustness.json',
      'sensitivity.csv',
    ])
    // selftest reads no profile constant: nothing moves, every clause is robust
    expect(json.clauses.every((c) => c.robust)).toBe(true)
    expect(json.systems).toEqual([{experiment: 'selftest', systems: ['native', 'virtuos']}])
    writeFileSync(join(dir, ROBUSTNESS_FILE), files.find((f) => f.path.endsWith(ROBUSTNESS_FILE))!.data)
    expect(keepRobustness(dir, '# Regenerated\n')).toMatch(
      /^# Regenerated\n\n<!-- robustness[^]*Systems run: selftest \(native, virtuos\)[^]*No estimate flips/,
    )
  })
})
