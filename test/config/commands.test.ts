/** `config validate` and `config show`, run in-process (no build needed): output, exit codes, no stack traces. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import ConfigShow from '../../src/commands/config/show.js'
import ConfigValidate from '../../src/commands/config/validate.js'
import {PACKAGE_ROOT} from '../../src/config/load.js'

let out = ''
let err = ''
beforeEach(() => {
  out = ''
  err = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true))
})
afterEach(() => vi.restoreAllMocks())

/** stderr without oclif's warnings about other commands that fail to load (not this command's output). */
function stderr(): string {
  const noise =
    /^(\(node:\d+\) \[\w+\] Warning|module: |task: |plugin: |root: |code: |message: |See more details|\(Use `node --trace-warnings)/
  return err
    .split('\n')
    .filter((l) => !noise.test(l))
    .join('\n')
}

/** Runs a command class; returns its exit code (0 when it returns normally). */
async function run(cmd: typeof ConfigShow | typeof ConfigValidate, argv: string[]): Promise<number> {
  try {
    await cmd.run(argv, PACKAGE_ROOT)
    return 0
  } catch (e) {
    const code = (e as {oclif?: {exit?: number}}).oclif?.exit
    if (code === undefined) throw e
    return code
  }
}

const cfg = (f: string) => join(PACKAGE_ROOT, 'configs', f)

describe('config validate', () => {
  it('prints ok per valid file', async () => {
    expect(
      await run(ConfigValidate, [cfg('xeon-e5520.json'), cfg('flexsc-i7.json'), cfg('modern-mitigated.json')]),
    ).toBe(0)
    expect(out.trim().split('\n')).toEqual([
      `ok ${cfg('xeon-e5520.json')}`,
      `ok ${cfg('flexsc-i7.json')}`,
      `ok ${cfg('modern-mitigated.json')}`,
    ])
  })
  it('problem lines on stderr, exit 2, the other files still checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-validate-'))
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"name": "x"}')
    expect(await run(ConfigValidate, [bad, cfg('flexsc-i7.json')])).toBe(2)
    expect(out).toBe(`ok ${cfg('flexsc-i7.json')}\n`)
    const lines = stderr().trim().split('\n')
    expect(lines.length).toBeGreaterThan(5)
    expect(lines).toContain(
      `${bad}: description: expected a one-line description (a string), found nothing (the key is missing)`,
    )
    expect(stderr()).not.toMatch(/\n\s+at /) // no stack trace
  })
})

describe('config show', () => {
  it('a readable table with estimate markers', async () => {
    expect(await run(ConfigShow, ['--set', 'machine.cores=8'])).toBe(0)
    expect(out).toMatch(/^xeon-e5520 \(.*configs\/xeon-e5520.json, hash [0-9a-f]{12}\)/)
    expect(out).toMatch(/^machine\.cores\s+8\s+count\s+--set machine\.cores=8/m)
    expect(out).toMatch(/^cpu\.contextSwitch\s+900\s+ns\s+est\s+estimate: /m)
    expect(out).toMatch(/^cache\.l1Hit\s+4\s+cycles\s+D\. Levinthal/m)
    expect(out).toMatch(/constants, \d+ estimates/)
  })
  it('--json lists every constant with value, unit, source and estimate flag', async () => {
    expect(await run(ConfigShow, ['--json', '--config', cfg('flexsc-i7.json')])).toBe(0)
    const j = JSON.parse(out)
    expect(j.name).toBe('flexsc-i7')
    expect(j.hash).toMatch(/^[0-9a-f]{12}$/)
    const entry = j.constants.find((c: {path: string}) => c.path === 'cpu.syscallEntry')
    expect(entry).toMatchObject({value: 79, unit: 'cycles', estimate: false})
    expect(entry.source).toMatch(/FlexSC/)
    expect(j.constants.every((c: object) => ['path', 'value', 'unit', 'source', 'estimate'].every((k) => k in c))).toBe(
      true,
    )
    expect(j.estimates.length).toBe(j.constants.filter((c: {estimate: boolean}) => c.estimate).length)
    expect(j.params.cpu.syscallEntry).toBe(79)
  })
  it('a bad --set is one line on stderr and exit 2, no stack trace', async () => {
    expect(await run(ConfigShow, ['--set', 'cache.l2hit=3'])).toBe(2)
    expect(stderr()).toBe(
      "virtuos: --set cache.l2hit=3: unknown key 'l2hit' in 'cache' (nearby: l2Hit, l1Hit, l3Hit, l2Size, l1dSize, l1iSize)\n",
    )
    expect(out).toBe('')
  })
  it('--json lists the mechanism constants of every group with unit, source, estimate and fitted', async () => {
    expect(await run(ConfigShow, ['--json'])).toBe(0)
    const j = JSON.parse(out)
    const at = (path: string) => j.constants.find((c: {path: string}) => c.path === path)
    for (const path of [
      'virtuos.libraryCallInstructions',
      'flexsc.postInstructions',
      'driverDomain.blkRequestInstructions',
      'kernel.pollPerFdInstructions',
      'workload.liveL2Share',
    ]) {
      expect(at(path)).toMatchObject({estimate: true})
      expect(at(path).source).not.toBe('')
      expect(j.estimates).toContain(path)
    }
    expect(at('virtuos.pollInstructions').unit).toBe('instructions')
    expect(at('flexsc.hotLoopIpc').unit).toBe('IPC')
    expect(at('workload.liveL1dShare').unit).toBe('ratio')
    expect(at('flexsc.switchInstructions').fitted).toMatch(/batch 1 .* batch 32/)
    expect(at('flexsc.waitInstructions').fitted).toBeUndefined()
    expect(j.params.virtuos.registerInstructions).toBe(at('virtuos.registerInstructions').value)
  })
  it('a bad mechanism value is one line naming the key, exit 2', async () => {
    expect(await run(ConfigShow, ['--set', 'virtuos.forkDupInstructionsPerFd=-3'])).toBe(2)
    expect(stderr()).toMatch(
      /^virtuos: .*: virtuos\.forkDupInstructionsPerFd\.value: expected a number >= 0, found -3\n$/,
    )
  })
  it('a missing profile file is one line, exit 2', async () => {
    expect(await run(ConfigShow, ['--config', 'no/such.json'])).toBe(2)
    expect(stderr()).toBe('virtuos: no/such.json: cannot read the profile (no such file)\n')
  })
})
