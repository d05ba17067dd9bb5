import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {writeFilesAtomic} from '../../src/report/atomic.js'

const fresh = () => mkdtempSync(join(tmpdir(), 'virtuos-atomic-'))

describe('writeFilesAtomic', () => {
  it('writes every file, creating the directory, and leaves no temporary file', () => {
    const dir = join(fresh(), 'out')
    writeFilesAtomic([
      {path: join(dir, 'a.csv'), data: 'x\n'},
      {path: join(dir, 'a.meta.json'), data: '{}\n'},
    ])
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x\n')
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'a.meta.json'])
  })

  it('leaves no file at all when one of them cannot be written', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'blocker'), '') // a file where the second file wants a directory
    expect(() =>
      writeFilesAtomic([
        {path: join(dir, 'a.csv'), data: 'x'},
        {path: join(dir, 'blocker', 'b.csv'), data: 'y'},
      ]),
    ).toThrow()
    expect(readdirSync(dir)).toEqual(['blocker'])
    expect(existsSync(join(dir, 'a.csv'))).toBe(false)
  })

  it('replaces an existing file whole', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'a.csv'), 'old old old')
    writeFilesAtomic([{path: join(dir, 'a.csv'), data: 'new'}])
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('new')
  })
})
