import {describe, expect, it, vi} from 'vitest'
import {chartSpecs, chartsFromCsv, compileLogger, slug} from '../../src/report/chart.js'
import {toCsv} from '../../src/report/csv.js'
import {selftest} from '../../src/experiments/selftest.js'
import {copyDef, copyRows, selftestRun} from './fixtures.js'

/** The root element's name and attributes, and the aria labels of the drawn points and lines. */
function inspect(svg: string) {
  const root = /^<svg\b([^>]*)>/.exec(svg)
  return {
    root: root?.[1] ?? null,
    closed: svg.trimEnd().endsWith('</svg>'),
    labels: [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]),
    texts: [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]),
  }
}

describe('chartsFromCsv', () => {
  it('draws one valid SVG per metric from the CSV alone, with every system, axis titles and a legend', async () => {
    const run = await selftestRun()
    const charts = await chartsFromCsv(toCsv(run.rows))
    expect(charts.map((c) => c.file)).toEqual(['selftest.throughput.svg', 'selftest.latency.svg'])
    for (const c of charts) {
      const svg = inspect(c.svg)
      expect(svg.root).toMatch(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
      expect(svg.root).toMatch(/width="\d+" height="\d+"/)
      expect(svg.closed).toBe(true)
      for (const system of ['native', 'virtuos'])
        expect(svg.labels.some((l) => l.includes(`system: ${system}`))).toBe(true)
      expect(svg.labels).toContainEqual(expect.stringMatching(/legend titled 'system'/))
      expect(svg.texts).toContain('clients')
      expect(svg.texts).toContainEqual(expect.stringMatching(new RegExp(`^${c.metric} \\(`)))
      expect(svg.texts).toContain('native (dashed baseline)')
    }
  })

  it('uses the definition for axis units, and draws native dashed and the others solid', async () => {
    const run = await selftestRun()
    const [chart] = await chartsFromCsv(toCsv(run.rows), selftest)
    expect(inspect(chart.svg).texts).toContain('clients (threads)')
    const lines = [
      ...chart.svg.matchAll(
        /<path aria-label="[^"]*system: (\w+)"[^>]*aria-roledescription="line mark"[^>]*stroke-dasharray="([^"]*)"/g,
      ),
    ]
    expect(Object.fromEntries(lines.map((m) => [m[1], m[2]]))).toEqual({native: '6,4', virtuos: '1,0'})
  })

  it('does not repeat an axis name as its unit', async () => {
    const run = await selftestRun()
    const def = {...selftest, axes: selftest.axes.map((a) => (a.name === 'clients' ? {...a, unit: 'clients'} : a))}
    const [chart] = await chartsFromCsv(toCsv(run.rows), def)
    expect(inspect(chart.svg).texts).toContain('clients')
    expect(inspect(chart.svg).texts).not.toContain('clients (clients)')
  })

  it('puts a byte-size sweep spanning decades on a log axis, facets the other axis, and marks published values', async () => {
    const [spec] = chartSpecs(copyRows(), copyDef)
    const json = JSON.stringify(spec.spec)
    expect(json).toContain('"type":"log","base":2')
    expect(json).toContain('"facet":{"field":"facet"')
    const [chart] = await chartsFromCsv(toCsv(copyRows()), copyDef)
    const svg = inspect(chart.svg)
    expect(svg.texts).toEqual(expect.arrayContaining(['64 B', '1 KiB', '64 KiB', '1 MiB', 'file', 'socket']))
    for (const system of ['native', 'virtuos', 'flexsc'])
      expect(svg.labels.some((l) => l.includes(`system: ${system}`))).toBe(true)
    // The published point is drawn once, at its value, as its own series with a legend of its own.
    expect(
      svg.labels.filter((l) => /latency \(us\): 40; published \(paper\): virtuos \(published\)$/.test(l)),
    ).toHaveLength(1)
    expect(svg.labels).toContainEqual(
      expect.stringMatching(/legend titled 'published \(paper\)'.*virtuos \(published\)/),
    )
  })

  it('keeps a short sweep linear and draws bars when nothing numeric is swept', () => {
    const linear = JSON.stringify(
      chartSpecs(copyRows().filter((r) => r.params.size === 64 || r.params.size === 1024))[0].spec,
    )
    expect(linear).not.toContain('"type":"log"')
    const single = chartSpecs(copyRows().filter((r) => r.params.size === 64 && r.params.target === 'file'))
    expect(JSON.stringify(single[0].spec)).toContain('"mark":{"type":"bar"}')
  })

  it('draws bars of values spanning decades on a log scale from a finite base, so every bar has a height', async () => {
    const rows = copyRows()
      .filter((r) => r.params.size === 64 && r.params.target === 'file' && r.system !== 'flexsc')
      .map((r) => ({...r, value: r.system === 'native' ? 300 : 0.25}))
    const [chart] = await chartsFromCsv(toCsv(rows), copyDef)
    const bars = [...chart.svg.matchAll(/aria-roledescription="bar" d="M[-\d.]+,[-\d.]+h[\d.]+v([-\d.]+)/g)].map((m) =>
      Number(m[1]),
    )
    expect(bars).toHaveLength(2)
    for (const h of bars) expect(h).toBeGreaterThan(10)
    expect(inspect(chart.svg).texts).toContain('native (grey baseline)')
  })

  it('draws each 95% interval with width as a vertical rule, and none for rows without one', async () => {
    const plain = JSON.stringify(chartSpecs(copyRows(), copyDef)[0].spec)
    expect(plain).not.toContain('"y2"')
    const noisy = copyRows().map((r) => ({...r, ci95Low: r.value * 0.9, ci95High: r.value * 1.1, replicates: 3}))
    const spec = JSON.stringify(chartSpecs(noisy, copyDef)[0].spec)
    expect(spec).toContain('"type":"rule"')
    expect(spec).toContain('"y2":{"field":"hi"}')
    expect(spec).toContain('95% interval of the mean over 3 replicate seeds')
    const [chart] = await chartsFromCsv(toCsv(noisy), copyDef)
    expect(chart.svg).toContain('<svg')
  })

  it('draws no chart of a metric its definition marks chart: false (the MPKI columns), the others as before', async () => {
    const run = await selftestRun()
    const quiet = {...selftest, metrics: selftest.metrics.map((m) => (m.name === 'latency' ? {...m, chart: false} : m))}
    expect(chartSpecs(run.rows, selftest).map((s) => s.metric)).toEqual(['throughput', 'latency'])
    expect(chartSpecs(run.rows, quiet).map((s) => s.metric)).toEqual(['throughput'])
  })

  it('names files from the metric safely', () => {
    expect(slug('latency p99 (ns)')).toBe('latency-p99-ns')
  })

  it('draws a published bound as a bar with an arrow, a value as an X, only at swept points, and wraps a long source', () => {
    const long = 'A source with a long name that goes on, as summarised in some file of the repository, page 7'
    const def = {
      ...copyDef,
      reference: [
        {
          system: 'virtuos' as const,
          point: {size: 65536, target: 'file'},
          metric: 'latency',
          value: 40,
          source: `${long}: a value`,
        },
        {
          system: 'virtuos' as const,
          point: {size: 1024, target: 'file'},
          metric: 'latency',
          value: 10,
          kind: 'at-least' as const,
          source: `${long}: a lower bound`,
        },
        {
          system: 'virtuos' as const,
          point: {size: 99, target: 'file'},
          metric: 'latency',
          value: 10,
          source: `${long}: not swept`,
        },
      ],
    }
    const [chart] = chartSpecs(copyRows(), def)
    const spec = chart.spec as unknown as {
      data: {values: {source: string; kind?: string; x: number}[]}
      title: {subtitle: string[]}
    }
    const refs = spec.data.values.filter((d) => d.source === 'paper')
    expect(refs.map((d) => [d.x, d.kind])).toEqual([
      [65536, 'about'],
      [1024, 'at-least'],
    ])
    const json = JSON.stringify(chart.spec)
    expect(json).toContain('M-1,-1L1,1M-1,1L1,-1')
    expect(json).toContain('M-1,0L1,0M0,0L0,-1.6')
    expect(spec.title.subtitle.join(' ')).toContain(
      'X = published value, bar with arrow up = published lower bound: A source with a long name',
    )
    expect(spec.title.subtitle.join(' ')).not.toContain('not swept') // the points' own statements stay in REPORT.md
    for (const line of spec.title.subtitle) expect(line.length).toBeLessThanOrEqual(110)
  })

  it('draws published values as a series of their own, joined on a numeric x, apart from the systems', () => {
    const def = {
      ...copyDef,
      reference: [1024, 65536].map((size) => ({
        system: 'virtuos' as const,
        point: {size, target: 'file'},
        metric: 'latency',
        value: 40,
        source: 'a plot',
      })),
    }
    const spec = chartSpecs(copyRows(), def)[0].spec as unknown as {spec: {layer: Record<string, unknown>[]}}
    const paper = spec.spec.layer.filter((l) => JSON.stringify(l.transform).includes("'paper'"))
    expect(paper.map((l) => (l.mark as {type: string}).type)).toEqual(['line', 'point'])
    for (const l of paper) {
      const enc = l.encoding as Record<string, {field?: string; scale?: {domain: string[]}}>
      expect(enc.color).toBeUndefined() // not on the systems' colour scale
      expect(enc.stroke.field).toBe('series')
      expect(enc.stroke.scale!.domain).toEqual(['virtuos (published)'])
    }
  })

  it("charts a plot of 'system / native' on the rows' ratios, with its published points there only", () => {
    const def = {
      ...copyDef,
      reference: [
        {
          system: 'virtuos' as const,
          point: {size: 1024, target: 'file'},
          metric: 'latency',
          of: 'ratio_vs_native' as const,
          value: 1.5,
          source: 'a ratio plot',
        },
      ],
    }
    const rows = copyRows().map((r) => ({...r, ratioVsNative: r.system === 'native' ? 1 : 2}))
    const specs = chartSpecs(rows, def)
    expect(specs.map((s) => s.file)).toEqual(['copy.latency.svg', 'copy.latency_vs_native.svg'])
    const data = (s: (typeof specs)[number]) =>
      (s.spec as unknown as {data: {values: {source: string; y: number; system: string}[]}}).data.values
    expect(data(specs[0]).filter((d) => d.source === 'paper')).toEqual([])
    const ratio = data(specs[1])
    expect(ratio.filter((d) => d.source === 'paper').map((d) => d.y)).toEqual([1.5])
    // the model's ratios, native left out (its ratio is 1 by definition)
    expect(new Set(ratio.filter((d) => d.source === 'model').map((d) => d.system))).toEqual(
      new Set(['virtuos', 'flexsc']),
    )
    expect(ratio.filter((d) => d.source === 'model').every((d) => d.y === 2)).toBe(true)
    // without a ratio reference there is no ratio chart
    expect(chartSpecs(rows, copyDef)).toHaveLength(1)
  })

  it('keeps an evenly spaced sweep (time buckets) linear even when it spans decades', () => {
    const rows = copyRows()
      .filter((r) => r.params.size === 64)
      .flatMap((r) => [0, 1000, 2000, 69000].map((t) => ({...r, params: {...r.params, size: t}})))
    // 0, 1000, 2000, 69000: not evenly spaced, spans decades and holds 0
    expect(JSON.stringify(chartSpecs(rows)[0].spec)).toContain('"type":"symlog"')
    const buckets = copyRows()
      .filter((r) => r.params.size === 64)
      .flatMap((r) => Array.from({length: 70}, (_, i) => ({...r, params: {...r.params, size: i * 1000}})))
    expect(JSON.stringify(chartSpecs(buckets)[0].spec)).not.toMatch(/"type":"(sym)?log"/)
  })
})

describe('compileLogger', () => {
  it("drops only vega-lite's optimizer pass-limit notice; other warnings still reach stderr", () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const log = compileLogger()
      log.warn('Maximum optimization runs(5) reached.')
      expect(spy).not.toHaveBeenCalled()
      log.warn('Dropping field from encoding')
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })
})
