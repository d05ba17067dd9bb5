/**
 * report.html without a browser: what htmlReportData builds (charts made interactive, claims,
 * published points, links) and how renderHtml lays it out (self-contained, escaped). The browser
 * test (html-browser.test.ts) checks that the page renders.
 */
import {describe, expect, it} from 'vitest'
import type {ExperimentRun} from '../../src/experiments/runner.js'
import {findExperiment} from '../../src/experiments/registry.js'
import {htmlReportData, interactiveSpec, renderHtml, type VegaBundles} from '../../src/report/html.js'
import {claimsJson} from '../../src/report/paper.js'
import {selftestRun} from './fixtures.js'
import {fixtureRuns} from './html-fixture.js'

const fakeBundles: VegaBundles = {
  vega: 'var vega = "</script><script>alert(1)</script>";',
  vegaLite: 'var vegaLite = {}; // <!-- comment',
  vegaEmbed: 'function vegaEmbed() {}',
}

type Json = Record<string, unknown>
const layersOf = (spec: Json) => ((spec.spec as Json | undefined)?.layer ?? spec.layer) as Json[]

describe('htmlReportData', () => {
  it('gives each experiment its charts (one per metric), claims, published points and file links', async () => {
    const runs = await fixtureRuns()
    const claims = claimsJson(runs)
    const data = htmlReportData(runs, claims, 'charts')
    expect(data.experiments.map((e) => e.id)).toEqual(['selftest', 'copy', 'bars'])
    const [self, copy] = data.experiments
    expect(self.charts.map((c) => c.svg)).toEqual(['charts/selftest.throughput.svg', 'charts/selftest.latency.svg'])
    expect(copy.charts.map((c) => c.svg)).toEqual(['charts/copy.latency.svg'])
    expect([self.csv, self.meta]).toEqual(['selftest.csv', 'selftest.meta.json'])
    // the claims are claims.json's entries of that experiment
    expect(self.clauses).toEqual(
      claims
        .filter((c) => c.experiment === 'selftest')
        .map(({clause, verdict, margin, detail}) => ({clause, verdict, margin, detail})),
    )
    expect(self.verdict).toBe('supported')
    expect(copy.clauses.map((c) => c.verdict)).toEqual([copy.verdict])
    // the published value beside the model's at the same point, with its signed error
    expect(copy.references).toEqual([
      expect.objectContaining({
        system: 'virtuos',
        point: 'size=65536, target=file',
        published: '40',
        model: '45.9',
        gap: '+14.7%',
      }),
    ])
    expect(self.references).toEqual([])
    expect(copy.paper).toBeNull() // no references/copy.json
  })

  it("names the paper of an experiment's reference file", () => {
    const def = findExperiment('flexsc-batching')!
    const runs = [{experiment: def, rows: []} as unknown as ExperimentRun]
    const [e] = htmlReportData(runs, [], 'charts').experiments
    expect(e.paper).toMatchObject({
      url: expect.stringMatching(/^https:\/\//),
      citation: expect.stringContaining('FlexSC'),
    })
  })

  it('puts the published points in the chart data, as the SVG chart does', async () => {
    const [, copy] = htmlReportData(await fixtureRuns(), [], 'charts').experiments
    const values = (copy.charts[0].spec.data as {values: Json[]}).values
    expect(values.filter((d) => d.source === 'paper')).toEqual([
      expect.objectContaining({system: 'virtuos', x: 65536, y: 40, facet: 'file'}),
    ])
  })
})

describe('interactiveSpec', () => {
  it('adds hover values to every layer and one legend-bound pick of systems that fades the others', async () => {
    const [self, copy] = htmlReportData(await fixtureRuns(), [], 'charts').experiments
    // selftest: one line layer; copy: lines, the published value and the intervals, in facets
    expect(layersOf(copy.charts[0].spec).length).toBeGreaterThan(2)
    for (const spec of [self.charts[0].spec, copy.charts[0].spec]) {
      const layers = layersOf(spec)
      const bound = layers.filter((l) => l.params)
      expect(bound).toHaveLength(1)
      expect(bound[0].params).toEqual([
        {name: 'pick', select: {type: 'point', fields: ['system'], toggle: 'true'}, bind: 'legend'},
      ])
      expect((bound[0].encoding as Json).color).toBeDefined() // the layer whose legend picks
      for (const l of layers) {
        const enc = l.encoding as Json
        expect((enc.tooltip as Json[]).map((t) => t.field)).toEqual(
          expect.arrayContaining(['system', 'x', 'y', 'lo', 'hi', 'source']),
        )
        expect(enc.opacity).toMatchObject({condition: {param: 'pick', empty: true}})
      }
    }
    // the tooltip names x and y as the axes do; a faceted chart names the panel too
    const tip = (layersOf(copy.charts[0].spec)[0].encoding as Json).tooltip as Json[]
    expect(tip.find((t) => t.field === 'x')).toMatchObject({title: 'size (bytes)', type: 'quantitative'})
    expect(tip.find((t) => t.field === 'y')).toMatchObject({title: 'latency (us)'})
    expect(tip.find((t) => t.field === 'facet')).toMatchObject({title: 'target'})
  })

  it('leaves the spec it is given as it was', () => {
    const spec = {layer: [{mark: 'line', encoding: {color: {field: 'system'}}}]}
    const before = structuredClone(spec)
    interactiveSpec(spec)
    expect(spec).toEqual(before)
  })
})

describe('renderHtml', () => {
  it('is one self-contained page: inlined scripts that cannot end early, no fetch, the specs as JSON', async () => {
    const data = htmlReportData(await fixtureRuns(), [], 'charts')
    data.experiments[0].title = 'Self-test <b>&</b>'
    const html = renderHtml(data, fakeBundles)
    expect(html).not.toMatch(/<script[^>]+src=|<link |<img |@import|url\(/i)
    expect(html).toContain("default-src 'none'")
    expect(html).toContain('var vega = "<\\/script><script>alert(1)<\\/script>";')
    expect(html).toContain('// <\\!-- comment')
    expect(html.match(/<\/script>/g)).toHaveLength(5) // the specs, three bundles, the embedding
    expect(html).toContain('Self-test &lt;b&gt;&amp;&lt;/b&gt;')
    const specs = JSON.parse(html.match(/<script id="chart-specs" type="application\/json">(.*?)<\/script>/s)![1])
    // each experiment's charts, then the design-space chart
    expect(specs).toEqual([
      ...data.experiments.flatMap((e) => e.charts.map((c) => c.spec)),
      data.designSpace!.chart!.spec,
    ])
    expect(html.match(/<div class="chart" id="chart-\d+"/g)).toHaveLength(specs.length)
  })

  it('links the CSVs, meta files and static charts relatively, and lists each clause with its verdict', async () => {
    const runs = await fixtureRuns()
    const html = renderHtml(htmlReportData(runs, claimsJson(runs), 'charts'), fakeBundles)
    const links = [...html.matchAll(/href="([^"#]+)"/g)].map((m) => m[1])
    expect(links).toEqual(
      expect.arrayContaining([
        'selftest.csv',
        'selftest.meta.json',
        'copy.csv',
        'charts/copy.latency.svg',
        'charts/copy.latency.png',
      ]),
    )
    expect(links.every((l) => !l.startsWith('/'))).toBe(true)
    for (const c of claimsJson(runs)) {
      expect(html).toContain(c.clause.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    }
    expect(html).toMatch(/<td><strong class="v-supported">supported<\/strong><\/td>/)
    expect(html).toMatch(/<td class="num">40<\/td>/) // the published value
  })

  it('inlines the real vega, vega-lite and vega-embed bundles by default', async () => {
    const html = renderHtml(htmlReportData([await selftestRun()], [], 'charts'))
    expect(html.length).toBeGreaterThan(500_000)
    expect(html).not.toMatch(/sourceMappingURL/)
  })
})
