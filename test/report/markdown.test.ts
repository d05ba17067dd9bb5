import {describe, expect, it} from 'vitest'
import type {ExperimentRun} from '../../src/experiments/runner.js'
import {renderReport} from '../../src/report/markdown.js'
import {loadProfile} from '../../src/config/index.js'
import {copyDef, copyRows, row, selftestRun} from './fixtures.js'

describe('renderReport', () => {
  it('has a section per experiment with claim verdict, chart links, a side-by-side table, engine speed and the profile estimates', async () => {
    const self = await selftestRun()
    const copy: ExperimentRun = {
      ...self,
      experiment: copyDef,
      systems: ['native', 'virtuos', 'flexsc'],
      points: copyDef.axes[0].quick.flatMap((size) => copyDef.axes[1].quick.map((target) => ({size, target}))),
      rows: copyRows(),
      notes: [],
    }
    const charts = new Map([
      [
        'selftest',
        [{file: 'selftest.throughput.svg', svg: '', experiment: 'selftest', metric: 'throughput', title: 'T'}],
      ],
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
    expect(md).toMatch(/model: \*\*not supported\*\* \(0 of 1 supported, 1 not supported; the claim is the conjunction/)
    // every clause in a table with its verdict and the numbers behind it
    expect(md).toMatch(
      /^\| 1 \| virtuos is never more than 50% slower than native \| \*\*not supported\*\* \| virtuos's gain over native on latency above 0\.6667x at every point: holds at 4 of 8 points, fails at 4.*\(0\.309x native at size=64, target=file;.*\(16 rows behind it\)/m,
    )
    expect(md).toMatch(/1 replicate seed per point; values are means with their 95% interval/)
    // a quick run names the points the full sweep adds (a clause may read differently there)
    expect(md).toMatch(/quick sweep: clients 1, 4 of 1, 2, 4, 8; request small of small, large: a clause judged/)
    expect(md).toMatch(
      /^\| size \| target \| native \| virtuos \| flexsc \| virtuos vs native \| flexsc vs native \|$/m,
    )
    expect(md).toMatch(/^\| 64 \| file \| 1\.032 \| 3\.342 \| 1\.135 \| 3\.238x \| 1\.1x \|$/m)
    // The published value beside ours, with the error.
    expect(md).toMatch(
      /\| virtuos \| size=65536, target=file \| latency \| 40 \| 45\.9 \| \+14\.7% \| VirtuOS fig\. 7 \|/,
    )
    expect(md).toMatch(/events\/s/)
    expect(md).toMatch(/wall time \d+\.\d\d s/)
    expect(md).toMatch(/content hash `[0-9a-f]{12}`/)
    expect(md).toContain('`--set machine.clock=2.5`')
    expect(md).toMatch(/^\| `cpu\.contextSwitch` \| /m)
  })

  it('summarizes the design space before the profile: systems side by side, a reading each, chart and CSV linked', async () => {
    const self = await selftestRun()
    const input = {runs: [self], charts: new Map(), chartDir: 'charts', overrides: []}
    const md = renderReport({...input, designSpaceChart: 'design-space.svg'})
    expect(md.indexOf('## Design space')).toBeGreaterThan(md.indexOf('## Summary'))
    expect(md.indexOf('## Design space')).toBeLessThan(md.indexOf('## Profile'))
    expect(md).toMatch(/^!\[Design space: .*\]\(charts\/design-space\.svg\)$/m)
    expect(md).toContain('[design-space.csv](design-space.csv)')
    expect(md).toMatch(/^\| experiment \| metric \| point \| native \| virtuos \|$/m)
    // selftest declares nothing: its first metric at the last point of its quick sweep
    expect(md).toMatch(
      /^\| selftest \| throughput \(.*\) \| clients=4, request=small \| [\d.]+ \| [\d.]+ \([\d.]+x\) \|$/m,
    )
    expect(md).toMatch(/^- selftest: \w+.* leads on throughput, then /m)
    // no chart drawn: none linked
    expect(renderReport(input)).not.toContain('design-space.svg')
  })

  it("states the profile's core allocation: which cores each system's domains and applications get", async () => {
    const self = await selftestRun()
    const md = renderReport({runs: [self], charts: new Map(), chartDir: 'charts', overrides: []})
    expect(md).toMatch(/^### Core allocation$/m)
    expect(md).toMatch(/^\| native, flexsc \| one kernel on 0-7; flexsc's remote-core syscall threads on 7 \|$/m)
    expect(md).toMatch(/^\| virtuos \| primary 0-3 \(applications\), storage 4-5, network 6-7 \|$/m)
    expect(md).toMatch(/^\| driver-domain \| guest 0-3 \(applications\), driver domain 4-7 \|$/m)
    expect(md).toMatch(
      /Native's and FlexSC's applications may use 8 cores, VirtuOS's 4 and the driver-domain guest's 4/,
    )
  })

  it('shows a bound as met or missed by how much, and a published value with its signed error', async () => {
    const self = await selftestRun()
    const at = (n: number, value: number) =>
      row({experiment: 'b', system: 'virtuos', params: {n}, metric: 'ratio', unit: 'ratio', value})
    const run: ExperimentRun = {
      ...self,
      experiment: {
        ...copyDef,
        id: 'b',
        axes: [{name: 'n', quick: [1, 2, 3, 4], full: [1, 2, 3, 4]}],
        systems: ['virtuos'],
        metrics: [{name: 'ratio', unit: 'ratio', better: 'lower'}],
        reference: [
          {system: 'virtuos', point: {n: 1}, metric: 'ratio', value: 10, kind: 'at-least', source: 'held lower'},
          {system: 'virtuos', point: {n: 2}, metric: 'ratio', value: 1, kind: 'at-most', source: 'missed upper'},
          {system: 'virtuos', point: {n: 3}, metric: 'ratio', value: 1.43, source: 'value'},
          {system: 'virtuos', point: {n: 9}, metric: 'ratio', value: 1, kind: 'at-most', source: 'elsewhere'},
        ],
      },
      systems: ['virtuos'],
      points: [1, 2, 3, 4].map((n) => ({n})),
      rows: [at(1, 18.89), at(2, 1.0587), at(3, 1.617), at(4, 1)],
      notes: [],
    }
    const md = renderReport({runs: [run], charts: new Map(), chartDir: 'charts', overrides: []})
    expect(md).toContain('| virtuos | n=1 | ratio | >= 10 | 18.89 | meets bound (>= 10x) | held lower |')
    expect(md).toContain('| virtuos | n=2 | ratio | <= 1 | 1.059 | misses bound (<= 1x) by +5.87% | missed upper |')
    expect(md).toContain('| virtuos | n=3 | ratio | 1.43 | 1.617 | +13.1% | value |')
    expect(md).toContain('| virtuos | n=9 | ratio | <= 1 | not in this sweep | - | elsewhere |')
    expect(md).not.toMatch(/\+88\.9%/)
  })

  it('tables published vs model per point: reading accuracy, the mean with its interval, ratio-to-native points on the ratio', async () => {
    const self = await selftestRun()
    const at = (n: number, system: 'native' | 'virtuos', value: number, ratio: number | null) =>
      row({
        experiment: 'b',
        system,
        params: {n},
        metric: 'tps',
        unit: 'trx/s',
        value,
        ci95Low: value - 10,
        ci95High: value + 10,
        ratioVsNative: ratio,
        ratioCi95Low: ratio === null ? null : ratio - 0.1,
        ratioCi95High: ratio === null ? null : ratio + 0.1,
      })
    const run: ExperimentRun = {
      ...self,
      experiment: {
        ...copyDef,
        id: 'b',
        axes: [{name: 'n', quick: [1, 2], full: [1, 2]}],
        systems: ['native', 'virtuos'],
        metrics: [{name: 'tps', unit: 'trx/s', better: 'higher'}],
        reference: [
          {system: 'native', point: {n: 1}, metric: 'tps', value: 200, accuracy: 8, source: 'plot, native'},
          {
            system: 'virtuos',
            point: {n: 2},
            metric: 'tps',
            value: 1.6,
            accuracy: 0.04,
            of: 'ratio_vs_native',
            source: 'ratio',
          },
        ],
      },
      systems: ['native', 'virtuos'],
      points: [1, 2].map((n) => ({n})),
      rows: [at(1, 'native', 250, null), at(2, 'native', 100, null), at(2, 'virtuos', 120, 1.2)],
      notes: [],
    }
    const md = renderReport({runs: [run], charts: new Map(), chartDir: 'charts', overrides: []})
    expect(md).toContain('| native | n=1 | tps | 200 ±8 | 250 ±10 | +25% | plot, native |')
    // the ratio's own interval, not the value's; error 1.2 / 1.6 - 1
    expect(md).toContain('| virtuos | n=2 | tps / native | 1.6 ±0.04 | 1.2 ±0.1 | -25% | ratio |')
    // none of the points swept (e.g. a quick run of a timeline published on the full one's axis): one line, no table
    const far = {...run, experiment: {...run.experiment, reference: [{...run.experiment.reference![0], point: {n: 9}}]}}
    const none = renderReport({runs: [far], charts: new Map(), chartDir: 'charts', overrides: []})
    expect(none).toContain('None of the 1 published points is at a point this sweep ran')
    expect(none).not.toContain('| native | n=9 |')
  })

  it("names the profile an experiment ran on when it is not the run's, with its own estimates", async () => {
    const self = await selftestRun()
    const flexsc = loadProfile({config: 'configs/flexsc-i7.json'})
    const run: ExperimentRun = {...self, profile: flexsc}
    const md = renderReport({runs: [self, run], charts: new Map(), chartDir: 'charts', overrides: []})
    // the profile section is the run's; the experiment's section and run line name flexsc-i7 and its hash
    expect(md).toMatch(/^- profile: \*\*xeon-e5520\*\* \(`configs\/xeon-e5520\.json`\)/m)
    expect(md).toContain(
      `- profile: this experiment runs on **flexsc-i7** (\`configs/flexsc-i7.json\`), content hash \`${flexsc.hash}\`, not on the run's xeon-e5520`,
    )
    expect(md).toContain(`profile flexsc-i7 (\`${flexsc.hash}\`).`)
    expect(md).toContain(`profile xeon-e5520 (\`${self.profile.hash}\`).`)
    expect(md).toMatch(/^\| `machine\.memory` \| /m) // an estimate of flexsc-i7 that xeon-e5520 has otherwise
    expect(md.match(/this experiment runs on/g)).toHaveLength(1)
  })
})
