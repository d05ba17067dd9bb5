import {describe, expect, it} from 'vitest'
import type {ExperimentRun} from '../../src/experiments/runner.js'
import {overheadWithin} from '../../src/experiments/claims.js'
import {renderReport} from '../../src/report/markdown.js'
import {copyDef, copyRows, selftestRun} from './fixtures.js'

describe('renderReport', () => {
  it('has a section per experiment with claim verdict, chart links, a side-by-side table, engine speed and the profile estimates', async () => {
    const self = await selftestRun()
    const copy: ExperimentRun = {
      ...self,
      experiment: {...copyDef, claimCheck: overheadWithin({system: 'virtuos', metric: 'latency', max: 0.5})},
      systems: ['native', 'virtuos', 'flexsc'],
      points: copyDef.axes[0].quick.flatMap((size) => copyDef.axes[1].quick.map((target) => ({size, target}))),
      rows: copyRows(),
      notes: [],
    }
    const charts = new Map([
      ['selftest', [{file: 'selftest.throughput.svg', svg: '', experiment: 'selftest', metric: 'throughput', title: 'T'}]],
      ['copy', [{file: 'copy.latency.svg', svg: '', experiment: 'copy', metric: 'latency', title: 'C'}]],
    ])
    const md = renderReport({runs: [self, copy], charts, chartDir: 'charts', overrides: ['machine.clock=2.5']})
    expect(md).toMatch(/^## Self-test: .* \(`selftest`\)$/m)
    expect(md).toMatch(/^## Copy overhead \(`copy`\)$/m)
    expect(md).toContain('![T](charts/selftest.throughput.svg)')
    expect(md).toContain('![C](charts/copy.latency.svg)')
    // selftest's claim holds (virtuos is faster there); copy's 50% overhead bound fails at 64 B (3.3x).
    expect(md).toMatch(/\| \[selftest\]\(#selftest\) \|.*\| \*\*supported\*\* \|/)
    expect(md).toMatch(/\| \[copy\]\(#copy\) \|.*\| \*\*not supported\*\* \|/)
    expect(md).toMatch(/model: \*\*not supported\*\*: virtuos's largest overhead over native on latency is 224% \(at size=64, target=file\)/)
    expect(md).toMatch(/^\| size \| target \| native \| virtuos \| flexsc \| virtuos vs native \| flexsc vs native \|$/m)
    expect(md).toMatch(/^\| 64 \| file \| 1\.032 \| 3\.342 \| 1\.135 \| 3\.238x \| 1\.1x \|$/m)
    // The published value beside ours, with the error.
    expect(md).toMatch(/\| virtuos \| size=65536, target=file \| latency \| 40 \| 45\.9 \| \+14\.7% \| VirtuOS fig\. 7 \|/)
    expect(md).toMatch(/events\/s/)
    expect(md).toMatch(/wall time \d+\.\d\d s/)
    expect(md).toMatch(/content hash `[0-9a-f]{12}`/)
    expect(md).toContain('`--set machine.clock=2.5`')
    expect(md).toMatch(/^\| `cpu\.contextSwitch` \| /m)
  })
})
