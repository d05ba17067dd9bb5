/** Shard files: what bench merge accepts, and the one line it gives for what it does not. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import {
  checkShardSet,
  readShardFile,
  shardPaths,
  shardProfile,
  shardRunInfo,
  type ShardFile,
} from '../../src/report/shardfile.js'

const profile = loadProfile({})
const run = shardRunInfo('paper', {experiments: ['selftest'], seed: 1, quick: true, replicates: 3, profile, sets: []})
const file = (index: number, count = 3, over: Partial<ShardFile['run']> = {}): ShardFile => ({
  format: 'virtuos-shard',
  version: 1,
  run: {...run, ...over},
  shard: {index, count},
  jobs: 1,
  experiments: [],
})
const named = (f: ShardFile, path = `s${f.shard.index}.json`) => ({path, file: f})

describe('checkShardSet', () => {
  it('returns every shard of one run in shard order', () => {
    const set = checkShardSet([named(file(3)), named(file(1)), named(file(2))])
    expect(set.map((f) => f.shard.index)).toEqual([1, 2, 3])
  })
  it.each([
    ['a missing shard', [file(1), file(3)], /^missing shard 2\/3$/],
    ['a shard given twice', [file(1), file(2), file(2), file(3)], /^shard 2\/3 given twice: s2.json and s2.json$/],
    [
      'another run',
      [file(1), file(2, 3, {seed: 9}), file(3)],
      /^s2.json: from another run than s1.json \(seed differs\)$/,
    ],
    ['another split', [file(1), file(2, 4)], /shard of 4, but s1.json is a shard of 3/],
    ['nothing', [], /no shard files given/],
  ])('refuses %s with one line', (_, files, message) => {
    expect(() => checkShardSet(files.map((f) => named(f)))).toThrow(UsageError)
    expect(() => checkShardSet(files.map((f) => named(f)))).toThrow(message)
  })
})

describe('reading shard files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtuos-shardfile-'))
  it("reads a written file back, and finds a directory's shard files", () => {
    writeFileSync(join(dir, 'shard-1-of-3.json'), JSON.stringify(file(1)))
    writeFileSync(join(dir, 'other.json'), '{}')
    expect(readShardFile(join(dir, 'shard-1-of-3.json'))).toEqual(file(1))
    expect(shardPaths([dir])).toEqual([join(dir, 'shard-1-of-3.json')])
  })
  it('names the file and the field of a bad one', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({...file(1), jobs: 0}))
    expect(() => readShardFile(join(dir, 'bad.json'))).toThrow(/bad.json: not a shard file of this tool: jobs: /)
    expect(() => readShardFile(join(dir, 'other.json'))).toThrow(/other.json: not a shard file of this tool: format/)
    expect(() => readShardFile(join(dir, 'none.json'))).toThrow(/none.json: cannot read the shard file \(ENOENT\)/)
    expect(() => shardPaths([join(dir, 'nope')])).toThrow(/no such shard file or directory/)
    expect(() => shardPaths([mkdtempSync(join(tmpdir(), 'virtuos-empty-'))])).toThrow(/holds no shard-K-of-N.json/)
  })
  it('reloads the run profile and refuses one whose hash differs', () => {
    expect(shardProfile(run).hash).toBe(profile.hash)
    expect(() => shardProfile({...run, sets: ['cpu.pause=10']})).toThrow(/the shards ran with/)
  })
})
