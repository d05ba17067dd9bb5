import {describe, expect, it} from 'vitest'
import {parseCsv} from '../../src/report/csvread.js'
import {describePoint} from '../../src/experiments/claims.js'
import {expandPoints, pointKey} from '../../src/experiments/points.js'
import {listExperiments} from '../../src/experiments/registry.js'
import type {ExperimentDef, ResultRow, SystemId} from '../../src/experiments/types.js'
import {designSpaceSpec} from '../../src/report/design-space-chart.js'
import {
  DESIGN_SPACE_COLUMNS,
  MISSING,
  designSpace,
  designSpaceChoice,
  designSpaceCsv,
  designSpaceTable,
  orderSystems,
  reading,
} from '../../src/report/design-space.js'
import {row} from './fixtures.js'

const def = (over: Partial<ExperimentDef> & {id: string}): ExperimentDef => ({
  title: over.id,
  reproduces: 'nothing',
  axes: [{name: 'threads', quick: [1, 4, 16], full: [1, 2, 4, 8, 16]}],
  systems: ['native', 'virtuos'],
  metrics: [
    {name: 'tps', unit: 'trx/s', better: 'higher'},
    {name: 'latency', unit: 'ms', better: 'lower'},
  ],
  run: () => {
    throw new Error('not run in tests')
  },
  ...over,
})

/** A row of `exp` at threads=t; `system` may be one the suite does not know (the summary must show it anyway). */
const at = (exp: string, system: string, threads: number, metric: string, value: number, native: number | null) =>
  row({
    experiment: exp,
    system: system as SystemId,
    params: {threads},
    metric,
    unit: metric === 'tps' ? 'trx/s' : 'ms',
    better: metric === 'tps' ? 'higher' : 'lower',
    value,
    nativeValue: native,
    ratioVsNative: native === null ? null : value / native,
  })

/** oltp-like: five systems, one the suite does not know, at every threads value; tps at 16 is the declared point. */
const oltpLike = def({id: 'oltp-like', designSpace: {metric: 'tps', point: {threads: 4}}})
const oltpRows: ResultRow[] = [1, 4, 16].flatMap((t) =>
  [
    ['virtuos', 120],
    ['exokernel', 90],
    ['native', 100],
    ['driver-domain', 80],
    ['flexsc', 110],
  ].flatMap(([s, v]) => [
    at('oltp-like', s as string, t, 'tps', (v as number) * t, 100 * t),
    at('oltp-like', s as string, t, 'latency', 1000 / (v as number), 10),
  ]),
)
/** No declaration: the first metric at the last quick point; multiserver runs here only. */
const plain = def({id: 'plain'})
const plainRows = [1, 4, 16].flatMap((t) => [
  at('plain', 'native', t, 'tps', 50, 50),
  at('plain', 'multiserver', t, 'tps', 25 * t, 50),
])
const runs = [
  {experiment: oltpLike, rows: oltpRows},
  {experiment: plain, rows: plainRows},
  {experiment: def({id: 'series', designSpace: {omitted: 'a time series of plain'}}), rows: []},
]

describe('designSpace', () => {
  it('orders the systems along the design space, whatever the rows have, unknown ones last in name order', () => {
    expect(designSpace(runs).systems).toEqual([
      'native',
      'flexsc',
      'driver-domain',
      'virtuos',
      'multiserver',
      'exokernel',
    ])
    expect(orderSystems(['zeta', 'virtuos', 'alpha', 'native'])).toEqual(['native', 'virtuos', 'alpha', 'zeta'])
  })

  it('tabulates each experiment at its point: mean, ratio to native, and — for a system it did not run', () => {
    const t = designSpaceTable(designSpace(runs))
    expect(t.header).toEqual([
      'experiment',
      'metric',
      'point',
      'native',
      'flexsc',
      'driver-domain',
      'virtuos',
      'multiserver',
      'exokernel',
    ])
    expect(t.firstSystem).toBe(3)
    expect(t.body).toEqual([
      [
        'oltp-like',
        'tps (trx/s, higher is better)',
        'threads=4',
        '400',
        '440 (1.1x)',
        '320 (0.8x)',
        '480 (1.2x)',
        MISSING,
        '360 (0.9x)',
      ],
      // the default: first metric, last quick point
      ['plain', 'tps (trx/s, higher is better)', 'threads=16', '50', MISSING, MISSING, MISSING, '400 (8x)', MISSING],
    ])
  })

  it("shows a mean's 95% interval as ± its half-width when it has one", () => {
    const wide = oltpRows.map((r) => ({...r, ci95Low: r.value - 5, ci95High: r.value + 5}))
    const t = designSpaceTable(designSpace([{experiment: oltpLike, rows: wide}]))
    expect(t.body[0][3]).toBe('400 ±5')
    expect(t.body[0][6]).toBe('480 ±5 (1.2x)')
  })

  it('lists experiments left out with their reason', () => {
    expect(designSpace(runs).omitted).toEqual([{experiment: 'series', why: 'a time series of plain'}])
    expect(designSpace(runs).entries.map((e) => e.experiment)).toEqual(['oltp-like', 'plain'])
  })

  it('takes the nearest swept value when a run did not sweep the chosen one (a full sweep need not hold it)', () => {
    const full = oltpRows.filter((r) => r.params.threads !== 4)
    const [e] = designSpace([{experiment: oltpLike, rows: full}]).entries
    expect(e.point).toEqual({threads: 1}) // 1 and 16: 1 is nearer to 4
    expect(e.moved).toBe(true)
    expect(designSpaceTable(designSpace([{experiment: oltpLike, rows: full}])).body[0][2]).toBe(
      'threads=1 (nearest swept)',
    )
  })

  it('reads each experiment in its metric direction: who leads, the rest in order, and how close the lead is', () => {
    const space = designSpace(runs)
    expect(reading(space.entries[0], space.systems)).toBe(
      'oltp-like: virtuos (1.2x native) leads on tps, then flexsc (1.1x native), native, exokernel (0.9x native), ' +
        'driver-domain (0.8x native)',
    )
    // lower is better: the smallest latency leads; intervals that overlap are said to
    const lat = def({id: 'lat', designSpace: {metric: 'latency', point: {threads: 1}}})
    const rows = [
      {...at('lat', 'native', 1, 'latency', 10, 10), ci95Low: 9, ci95High: 11},
      {...at('lat', 'virtuos', 1, 'latency', 10.5, 10), ci95Low: 10, ci95High: 11},
      at('lat', 'flexsc', 1, 'latency', 30, 10),
    ]
    const s = designSpace([{experiment: lat, rows}])
    expect(reading(s.entries[0], s.systems)).toBe(
      "lat: native leads on latency, then virtuos (1.05x native), flexsc (3x native); native's lead over virtuos " +
        'is within their 95% intervals',
    )
    // without native: means with their unit
    const noNative = designSpace([{experiment: lat, rows: rows.slice(1).map((r) => ({...r, ratioVsNative: null}))}])
    expect(reading(noNative.entries[0], noNative.systems)).toBe(
      'lat: virtuos (10.5 ms) leads on latency, then flexsc (30 ms)',
    )
  })
})

describe('designSpaceCsv', () => {
  it('has one line per experiment and system that ran, in table order, with the columns it declares', () => {
    const records = parseCsv(designSpaceCsv(designSpace(runs)))
    expect(records[0]).toEqual([
      'experiment',
      'metric',
      'unit',
      'better',
      'point',
      'system',
      'mean',
      'ci',
      'ratio_to_native',
    ])
    expect(records[0]).toEqual([...DESIGN_SPACE_COLUMNS])
    expect(records.slice(1).map((r) => `${r[0]}/${r[5]}`)).toEqual([
      'oltp-like/native',
      'oltp-like/flexsc',
      'oltp-like/driver-domain',
      'oltp-like/virtuos',
      'oltp-like/exokernel',
      'plain/native',
      'plain/multiserver',
    ])
    expect(records[4]).toEqual(['oltp-like', 'tps', 'trx/s', 'higher', 'threads=4', 'virtuos', '480', '0', '1.2'])
  })

  it('writes ci as the half-width of the 95% interval and leaves the ratio empty without native', () => {
    const rows = [{...at('plain', 'virtuos', 16, 'tps', 40, null), ci95Low: 36, ci95High: 44}]
    const [, line] = parseCsv(designSpaceCsv(designSpace([{experiment: plain, rows}])))
    expect(line.slice(5)).toEqual(['virtuos', '40', '4', ''])
  })
})

describe('designSpaceSpec', () => {
  type Json = Record<string, unknown>
  const layers = (spec: unknown) => (spec as Json).layer as Json[]

  it('draws grouped bars from native (1) to each ratio, native as the dashed line, colours per system', () => {
    const spec = designSpaceSpec(designSpace(runs)) as unknown as Json
    const data = (spec.data as {values: Json[]}).values
    expect(new Set(data.map((d) => d.system))).not.toContain('native')
    expect(data.find((d) => d.system === 'virtuos')).toEqual(expect.objectContaining({x: 'oltp-like tps ↑', y: 1.2}))
    const [bars, intervals, baseline] = layers(spec)
    expect(bars.mark).toEqual({type: 'bar'})
    const enc = bars.encoding as Json
    expect(enc.y2).toEqual({datum: 1})
    expect(enc.xOffset).toEqual(expect.objectContaining({field: 'system'}))
    expect((enc.x as Json).sort).toEqual(['oltp-like tps ↑', 'plain tps ↑'])
    const colour = (enc.color as Json).scale as {domain: string[]; range: string[]}
    expect(colour.domain).toEqual(['flexsc', 'driver-domain', 'virtuos', 'multiserver', 'exokernel'])
    // the suite's colours for the systems it knows, distinct spare ones for the others
    expect(colour.range.slice(0, 3)).toEqual(['#1f77b4', '#2ca02c', '#d62728'])
    expect(new Set(colour.range).size).toBe(5)
    expect(intervals.mark).toEqual(expect.objectContaining({type: 'rule'}))
    expect(baseline.mark).toEqual(expect.objectContaining({type: 'rule', strokeDash: [6, 4]}))
    // 0.8x to 8x span a decade: log scale
    expect(((enc.y as Json).scale as Json).type).toBe('log')
  })

  it('stays linear when the ratios span less than a decade, and draws nothing without a ratio', () => {
    const spec = designSpaceSpec(designSpace(runs.slice(0, 1)))
    expect(((layers(spec)[0].encoding as Json).y as Json).scale).toEqual({zero: false})
    const noNative = plainRows.map((r) => ({...r, ratioVsNative: null}))
    expect(designSpaceSpec(designSpace([{experiment: plain, rows: noNative}]))).toBeNull()
  })
})

describe('every registered experiment', () => {
  it('resolves to one of its metrics and a point of its quick sweep, or says why it is left out', () => {
    for (const d of listExperiments()) {
      const choice = designSpaceChoice(d)
      if (choice === null) {
        expect((d.designSpace as {omitted: string}).omitted, d.id).toMatch(/\w/)
        continue
      }
      expect(d.metrics, d.id).toContain(choice.metric)
      const quick = expandPoints(d.axes, true).map(pointKey)
      expect(quick, `${d.id} at ${describePoint(choice.point)}`).toContain(pointKey(choice.point))
    }
  })

  it('refuses a declared metric or axis the experiment does not have', () => {
    expect(() => designSpaceChoice(def({id: 'x', designSpace: {metric: 'nope', point: {}}}))).toThrow(
      /x: design-space metric 'nope'/,
    )
    expect(() => designSpaceChoice(def({id: 'x', designSpace: {metric: 'tps', point: {cores: 4}}}))).toThrow(
      /names 'cores', not one of its axes/,
    )
  })
})
