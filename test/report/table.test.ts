import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {runExperiments} from '../../src/experiments/runner.js'
import {readable, renderTable} from '../../src/report/table.js'
import {arith, fakeProfile} from '../experiments/fixtures.js'

describe('renderTable', () => {
  it('shows one line per row with value and ratio vs native, and no colour codes at level 0', async () => {
    const [run] = await runExperiments([arith], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    const text = renderTable(run, new Chalk({level: 0}))
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toContain('arith: Arithmetic')
    expect(lines[1]).toMatch(/threads\s+kind\s+system\s+metric\s+value\s+unit\s+vs native/)
    expect(lines).toHaveLength(2 + run.rows.length + 1)
    expect(lines.find((l) => /3\s+a\s+virtuos\s+latency/.test(l))).toMatch(/3\s+cycles\s+0\.5x$/)
    expect(text).not.toContain('\u001b[')
  })

  it('colours a ratio green when better than native and red when worse', async () => {
    const [run] = await runExperiments([arith], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    const text = renderTable(run, new Chalk({level: 1}))
    const latency = text.split('\n').find((l) => l.includes('virtuos') && l.includes('latency'))!
    expect(latency).toContain('\u001b[32m0.5x') // lower latency than native: green
  })
})

describe('readable', () => {
  it('keeps integers whole and rounds the rest to four significant digits', () => {
    expect(readable(1234567)).toBe('1234567')
    expect(readable(3.14159265)).toBe('3.142')
    expect(readable(1e-7)).toBe('1.000e-7')
  })
})
