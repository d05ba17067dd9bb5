import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {traceHash} from './determinism-model.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MODEL = fileURLToPath(new URL('./determinism-model.ts', import.meta.url))

describe('determinism', () => {
  it('the same seed gives the same event trace; another seed a different one', () => {
    const a = traceHash(11)
    expect(traceHash(11)).toBe(a)
    expect(traceHash(12)).not.toBe(a)
  })

  it('two separate node processes produce the same trace hash', () => {
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', MODEL, '11'], {cwd: ROOT, encoding: 'utf8'}).trim()
    const first = run()
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(run()).toBe(first)
    expect(first).toBe(traceHash(11))
  })
})
