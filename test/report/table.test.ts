import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {runExperiments} from '../../src/experiments/runner.js'
import {readable, renderTable} from '../../src/report/table.js'
import {betterThanNative} from '../../src/experiments/claims.js'
import type {Point, RunContext, SystemId} from '../../src/experiments/types.js'
import {arith, fakeProfile} from '../experiments/fixtures.js'

describe('renderTable', () => {
  it('shows one line per row with value and ratio vs native, and no colour codes at level 0', async () => {
    const [run] = await runExperiments([arith], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    const text = renderTable(run, new Chalk({level: 0}))
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toContain('arith: Arithmetic')
    expect(lines[1]).toMatch(/threads\s+kind\s+system\s+metric\s+value\s+±95%\s+unit\s+vs native\s+±95%/)
    expect(lines).toHaveLength(2 + run.rows.length + 1)
    // one replicate: no interval to show
    expect(lines.find((l) => /3\s+a\s+virtuos\s+latency/.test(l))).toMatch(/3\s+cycles\s+0\.5x\s*$/)
    expect(text).not.toContain('\u001b[')
  })

  it('colours a ratio green when better than native and red when worse', async () => {
    const [run] = await runExperiments([arith], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    const text = renderTable(run, new Chalk({level: 1}))
    const latency = text.split('\n').find((l) => l.includes('virtuos') && l.includes('latency'))!
    expect(latency).toContain('\u001b[32m0.5x') // lower latency than native: green
  })
})

describe('renderTable with replicates and clauses', () => {
  it('gives each value and ratio the half-width of its interval, and lists the clause verdicts', async () => {
    // noisy: latency varies with the seed; a clause that virtuos is faster
    const noisy = {
      ...arith,
      run: (point: Point, system: SystemId, ctx: RunContext) => {
        const r = arith.run(point, system, ctx)
        return {...r, metrics: {...r.metrics, latency: r.metrics.latency * (1 + (ctx.seed % 7) / 10)}}
      },
      clauses: [betterThanNative({text: 'virtuos is faster', system: 'virtuos', metric: 'latency', margin: 0.05})],
    }
    const [run] = await runExperiments([noisy], {seed: 1, quick: true, profile: fakeProfile, jobs: 1, replicates: 3})
    const text = renderTable(run, new Chalk({level: 0}))
    expect(text).toMatch(/1\s+a\s+native\s+latency\s+[\d.]+\s+±[\d.]+\s+cycles/)
    expect(text).toMatch(/x 3 replicates/)
    expect(text).toMatch(/clause 1: supported: virtuos is faster\n\s+claim: supported/)
  })
})

describe('readable', () => {
  it('keeps integers whole and rounds the rest to four significant digits', () => {
    expect(readable(1234567)).toBe('1234567')
    expect(readable(3.14159265)).toBe('3.142')
    expect(readable(1e-7)).toBe('1.000e-7')
  })
})
