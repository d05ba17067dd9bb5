/** Workload files load like machine profiles: validated, one line per problem naming file, path, expected and found. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {z} from 'zod'
import {UsageError} from '../../src/errors.js'
import {cachedWorkload, loadWorkload, workloadPath} from '../../src/workloads/load.js'
import {count, header, list, positiveInt, sourced} from '../../src/workloads/schema.js'

const dir = mkdtempSync(join(tmpdir(), 'virtuos-workload-'))
const schema = z.strictObject(
  {...header, instructions: sourced(count()), threads: list(positiveInt())},
  {error: 'expected a workload object'},
)

function write(data: unknown, text?: string): string {
  const file = join(dir, `w${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, text ?? JSON.stringify(data))
  return file
}

function errorLines(file: string): string[] {
  try {
    loadWorkload('x', schema, {file})
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return (e as Error).message.split('\n').map((l) => l.replace(file, 'FILE'))
  }
  throw new Error('expected a UsageError')
}

const good = {
  id: 'x',
  description: 'd',
  instructions: {value: 3368, unit: 'instructions', source: 'FlexSC table 2'},
  threads: [1, 2],
}

describe('loadWorkload', () => {
  it('returns the validated data', () => {
    expect(loadWorkload('x', schema, {file: write(good)})).toEqual(good)
  })
  it('one line per problem: file, JSON path, expected, found', () => {
    const bad = {...good, instructions: {value: -1, source: ''}, threads: [1, 2.5], extra: 1}
    expect(errorLines(write(bad)).sort()).toEqual(
      [
        'FILE: extra: unknown key',
        'FILE: instructions.value: expected an integer >= 0, found -1',
        'FILE: instructions.source: expected a non-empty citation or reason, found ""',
        'FILE: threads.1: expected a positive integer, found 2.5',
      ].sort(),
    )
  })
  it('a missing key and a missing file, each one line', () => {
    const {instructions: _drop, ...rest} = good
    expect(errorLines(write(rest))).toEqual([
      'FILE: instructions: expected a sourced value {"value", "source"} (optionally "unit"), found nothing (the key is missing)',
    ])
    expect(errorLines(join(dir, 'nope.json'))).toEqual([
      expect.stringMatching(/^FILE: cannot read the profile \(no such file\)$/),
    ])
    expect(errorLines(write(null, '{"id": '))).toEqual([expect.stringMatching(/^FILE: invalid JSON/)])
  })
  it('resolves ids under the package workloads/ and rejects path-like ids', () => {
    expect(workloadPath('syscall-overhead')).toMatch(/workloads\/syscall-overhead\.json$/)
    expect(() => workloadPath('../etc/passwd')).toThrow(UsageError)
  })
  it('cachedWorkload reads and validates the file once, on the first call', () => {
    const shipped = z.object({id: z.string()})
    const load = cachedWorkload('ttcp', shipped)
    expect(load().id).toBe('ttcp')
    expect(load()).toBe(load())
  })
})
