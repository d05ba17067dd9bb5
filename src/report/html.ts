/**
 * report.html: the report as one self-contained page beside REPORT.md. The charts are the same
 * vega-lite specs as the SVG files (chart.ts, drawn from each CSV), made interactive (hover for
 * values and intervals, click the legend to pick systems) and rendered in the browser by vega-embed,
 * which is inlined with vega and vega-lite from their npm packages: the page loads nothing from the
 * network. Claims (claims.json's content), published points and links to the CSVs are plain HTML.
 * `htmlReportData` builds everything the page shows (tested without a browser); `renderHtml` only
 * lays it out.
 */
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describePoint, judgeClaim, referenceGap} from '../experiments/claims.js'
import {loadReferences, referencesPath} from '../experiments/references.js'
import type {ExperimentRun} from '../experiments/runner.js'
import type {ExperimentDef} from '../experiments/types.js'
import {breakdownChartSpec} from './breakdown.js'
import {chartSpecs} from './chart.js'
import {DESIGN_SPACE_CHART, DESIGN_SPACE_TITLE, designSpaceSpec} from './design-space-chart.js'
import {DESIGN_SPACE_FILE, designSpace, designSpaceTable, reading, type DesignSpaceTable} from './design-space.js'
import {toCsv} from './csv.js'
import {readResultCsv} from './csvread.js'
import type {ClaimsJsonEntry} from './paper.js'
import {portablePath, toolInfo} from './meta.js'
import {readable} from './table.js'

export const HTML_FILE = 'report.html'

type Json = Record<string, unknown>

export interface HtmlChart {
  title: string
  /** The static SVG of the same chart, relative to the report (`charts/<id>.<metric>.svg`). */
  svg: string
  /** vega-lite spec, interactive (see interactiveSpec). */
  spec: Json
}

export interface HtmlReference {
  system: string
  point: string
  metric: string
  published: string
  model: string
  gap: string
  source: string
}

export interface HtmlExperiment {
  id: string
  title: string
  reproduces: string
  /** The claim's verdict (the conjunction of its clauses), or null when the experiment makes no claim. */
  verdict: string | null
  csv: string
  meta: string
  charts: HtmlChart[]
  clauses: Pick<ClaimsJsonEntry, 'clause' | 'verdict' | 'margin' | 'detail'>[]
  references: HtmlReference[]
  /** Where the published points come from (references/<id>.json), when the experiment has such a file. */
  paper: {citation: string; url: string; figure: string} | null
}

/** The design-space summary (design-space.ts): its table, one reading per experiment, its chart. */
export interface HtmlDesignSpace extends DesignSpaceTable {
  readings: string[]
  omitted: string[]
  csv: string
  chart: HtmlChart | null
}

export interface HtmlReportData {
  tool: string
  profile: string
  designSpace: HtmlDesignSpace | null
  experiments: HtmlExperiment[]
}

/**
 * Everything report.html shows, from the runs (in report order) and claims.json's entries;
 * `chartDir` is where the SVG charts sit relative to the report.
 */
export function htmlReportData(
  runs: readonly ExperimentRun[],
  claims: readonly ClaimsJsonEntry[],
  chartDir: string,
): HtmlReportData {
  const tool = toolInfo()
  const first = runs[0]
  const p = first?.runProfile
  return {
    tool: `${tool.name} ${tool.version}${tool.gitRevision ? ` (git ${tool.gitRevision.slice(0, 12)})` : ''}`,
    profile: p
      ? `profile ${p.name} (${portablePath(p.path)}, hash ${p.hash}), seed ${first.seed}, ${first.quick ? 'quick' : 'full'} sweep`
      : '',
    designSpace: designSpaceData(runs, chartDir),
    experiments: runs.map((run) => experimentData(run, claims, chartDir)),
  }
}

function designSpaceData(runs: readonly ExperimentRun[], chartDir: string): HtmlDesignSpace | null {
  const space = designSpace(runs)
  if (space.entries.length === 0) return null
  const spec = designSpaceSpec(space)
  return {
    ...designSpaceTable(space),
    readings: space.entries.map((e) => reading(e, space.systems)),
    omitted: space.omitted.map((o) => `${o.experiment} (${o.why})`),
    csv: DESIGN_SPACE_FILE,
    chart: spec
      ? {
          title: DESIGN_SPACE_TITLE,
          svg: `${chartDir}/${DESIGN_SPACE_CHART}`,
          spec: interactiveSpec(spec as unknown as Json),
        }
      : null,
  }
}

function experimentData(run: ExperimentRun, claims: readonly ClaimsJsonEntry[], chartDir: string): HtmlExperiment {
  const def = run.experiment
  const id = def.id
  // drawn from the CSV text as written, like the SVG charts, so the page shows what the file holds
  const specs = chartSpecs(readResultCsv(toCsv(run.rows), `${id}.csv`), def)
  if (run.breakdown) specs.push(breakdownChartSpec(id, run.breakdown))
  return {
    id,
    title: def.title,
    reproduces: def.reproduces,
    verdict: judgeClaim(def, run.rows)?.verdict ?? null,
    csv: `${id}.csv`,
    meta: `${id}.meta.json`,
    charts: specs.map((s) => ({
      title: s.title,
      svg: `${chartDir}/${s.file}`,
      spec: interactiveSpec(s.spec as unknown as Json),
    })),
    clauses: claims
      .filter((c) => c.experiment === id)
      .map((c) => ({clause: c.clause, verdict: c.verdict, margin: c.margin, detail: c.detail})),
    references: referenceRows(run),
    paper: paperOf(def),
  }
}

/** The published points beside the model's value at the same point, as REPORT.md lists them. */
function referenceRows(run: ExperimentRun): HtmlReference[] {
  return (run.experiment.reference ?? []).map((ref) => {
    const row = run.rows.find(
      (r) =>
        r.system === ref.system &&
        r.metric === ref.metric &&
        Object.entries(ref.point).every(([k, v]) => r.params[k] === v),
    )
    const bound = ref.kind === 'at-most' ? '<= ' : ref.kind === 'at-least' ? '>= ' : ''
    return {
      system: ref.system,
      point: describePoint(ref.point),
      metric: ref.metric,
      published: `${bound}${readable(ref.value)}`,
      model: row ? readable(row.value) : 'not in this sweep',
      gap: row ? referenceGap(row.value, ref, row.unit).text : '-',
      source: ref.source,
    }
  })
}

function paperOf(def: ExperimentDef): HtmlExperiment['paper'] {
  if (!existsSync(referencesPath(def.id))) return null
  const f = loadReferences(def.id)
  return {citation: f.paper.citation, url: f.paper.url, figure: f.figure}
}

/** The param that picks systems through the legend; one per chart (vega-lite scopes it to its spec). */
const PICK = 'pick'

/**
 * A chart spec made interactive: every layer shows its datum on hover (system, x, y, the 95%
 * interval, model or paper), and clicking a system in the legend picks which systems stay opaque
 * (each click adds or removes one; none picked shows all; double-click clears). Works on any spec
 * chart.ts makes, single or faceted: it reads only the layers' x and y encodings.
 */
export function interactiveSpec(spec: Json): Json {
  const out = structuredClone(spec)
  const unit = (out.spec as Json | undefined) ?? out
  const layers = (unit.layer as Json[] | undefined) ?? []
  const faceted = out.facet !== undefined
  const legendLayer = layers.findIndex((l) => (l.encoding as Json | undefined)?.color !== undefined)
  layers.forEach((layer, i) => {
    const enc = (layer.encoding ?? {}) as Json
    enc.tooltip = tooltipFields(enc, faceted ? ((out.facet as Json).title as string | null) : undefined)
    enc.opacity = {condition: {param: PICK, value: 1, empty: true}, value: 0.12}
    layer.encoding = enc
    if (i === legendLayer)
      layer.params = [{name: PICK, select: {type: 'point', fields: ['system'], toggle: 'true'}, bind: 'legend'}]
  })
  return out
}

function tooltipFields(enc: Json, facetTitle: string | null | undefined): Json[] {
  const x = (enc.x ?? {}) as Json
  const y = (enc.y ?? {}) as Json
  const num = (field: string, title: string) => ({field, type: 'quantitative', title, format: '.4~g'})
  return [
    {field: 'system', type: 'nominal', title: 'system'},
    ...(facetTitle !== undefined ? [{field: 'facet', type: 'nominal', title: facetTitle ?? 'panel'}] : []),
    x.type === 'quantitative'
      ? num('x', String(x.title ?? 'x'))
      : {field: 'x', type: 'nominal', title: String(x.title ?? 'x')},
    num('y', String(y.title ?? 'value')),
    num('lo', '95% interval, low'),
    num('hi', '95% interval, high'),
    {field: 'source', type: 'nominal', title: 'from'},
    {field: 'kind', type: 'nominal', title: 'published as'},
  ]
}

/** The three browser bundles the page inlines, read from the installed npm packages (once per process). */
export interface VegaBundles {
  vega: string
  vegaLite: string
  vegaEmbed: string
}

let bundles: VegaBundles | undefined

export function vegaBundles(): VegaBundles {
  bundles ??= {
    vega: bundle('vega', 'vega.min.js'),
    vegaLite: bundle('vega-lite', 'vega-lite.min.js'),
    vegaEmbed: bundle('vega-embed', 'vega-embed.min.js'),
  }
  return bundles
}

/** `file` beside the package's entry point (each package's build/ directory holds its browser bundle). */
function bundle(pkg: string, file: string): string {
  const text = readFileSync(fileURLToPath(new URL(file, import.meta.resolve(pkg))), 'utf8')
  // the source map is not shipped inline: a browser's developer tools would try to fetch it
  return text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Script text that cannot end its <script> element early. */
const scriptSafe = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')

/** JSON inside a script element: `<` escaped, so no string in it can close the element. */
const jsonSafe = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c')

/** Forbids every fetch: the page must work from the file alone (vega compiles expressions, hence 'unsafe-eval'). */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:"

const STYLE = `
body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
td.num{text-align:right}.v-supported{color:#1a7f37}.v-not-supported{color:#b42318}.v-inconclusive,.v-untested{color:#8a6100}
.chart{margin:1em 0 .3em}.files{font-size:.9em;color:#555}section{border-top:1px solid #ddd;margin-top:2em}
.help{color:#555;font-size:.9em}`

/** The page: static HTML for text and tables, one inline script that embeds each chart. */
export function renderHtml(data: HtmlReportData, js: VegaBundles = vegaBundles()): string {
  const space = data.designSpace
  // the design-space chart is embedded last, so each experiment's chart keeps its index whether it is drawn or not
  const specs = data.experiments.flatMap((e) => e.charts.map((c) => c.spec))
  const spaceChart = space?.chart ? specs.push(space.chart.spec) - 1 : -1
  const body = [
    `<h1>VirtuOS evaluation: reproduction report</h1>`,
    `<p>Generated by ${esc(data.tool)}; ${esc(data.profile)}. Every number comes from the simulated machine, not from hardware. ` +
      `Each chart is drawn from its CSV; the same data as REPORT.md.</p>`,
    `<p class="help">Charts: hover a mark for its values and 95% interval; click systems in a legend to pick the ones shown ` +
      `(each click adds or removes one, none picked shows all, double-click clears).</p>`,
    summaryTable(data.experiments),
    ...(space ? [designSpaceSection(space, spaceChart)] : []),
    ...sections(data.experiments),
  ]
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<title>VirtuOS evaluation: reproduction report</title>',
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...body,
    `<script id="chart-specs" type="application/json">${jsonSafe(specs)}</script>`,
    `<script>${scriptSafe(js.vega)}</script>`,
    `<script>${scriptSafe(js.vegaLite)}</script>`,
    `<script>${scriptSafe(js.vegaEmbed)}</script>`,
    `<script>${EMBED}</script>`,
    '</body></html>',
    '',
  ].join('\n')
}

/** Embeds chart i into #chart-i; when all are drawn (or failed, reported on the console), body gets data-charts. */
const EMBED = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  // a model point has no 'published as', a published one no interval: leave out what a mark does not have
  function tip(value, html) {
    if (typeof value !== 'object' || value === null) return html(value);
    var rows = Object.keys(value).filter(function (k) {
      var v = value[k];
      return v !== undefined && v !== null && v !== '' && v !== 'undefined' && v !== 'NaN';
    }).map(function (k) {
      return '<tr><td class="key">' + html(k) + '</td><td class="value">' + html(value[k]) + '</td></tr>';
    });
    return '<table>' + rows.join('') + '</table>';
  }
  var opts = {
    renderer: 'svg',
    tooltip: {formatTooltip: tip},
    actions: {export: true, source: false, compiled: false, editor: false}
  };
  Promise.allSettled(specs.map(function (spec, i) {
    return vegaEmbed('#chart-' + i, spec, opts).catch(function (e) {
      console.error('chart ' + i + ': ' + e.message);
      throw e;
    });
  })).then(function (r) {
    document.body.dataset.charts = r.every(function (x) { return x.status === 'fulfilled'; }) ? 'rendered' : 'failed';
  });
})();`

const verdictCell = (v: string | null) =>
  v === null ? 'no claim' : `<strong class="v-${v.replace(/ /g, '-')}">${esc(v)}</strong>`

function summaryTable(exps: readonly HtmlExperiment[]): string {
  const rows = exps.map(
    (e) =>
      `<tr><td><a href="#${esc(e.id)}">${esc(e.id)}</a></td><td>${esc(e.reproduces)}</td>` +
      `<td>${verdictCell(e.verdict)}</td><td><a href="${esc(e.csv)}">${esc(e.csv)}</a></td></tr>`,
  )
  return table(['experiment', 'reproduces', 'model', 'data'], rows)
}

function table(header: readonly string[], rows: readonly string[]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
}

/** The design-space table, its readings and its chart (`chart-<index>` among the embedded specs). */
function designSpaceSection(d: HtmlDesignSpace, index: number): string {
  const rows = d.body.map(
    (r) => `<tr>${r.map((c, i) => `<td${i >= d.firstSystem ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`,
  )
  const parts = [
    '<section id="design-space">',
    '<h2>Design space</h2>',
    `<p>Each experiment's main metric with the systems side by side at one point of its sweep, systems ordered along ` +
      `the design space; a cell is the mean ± half its 95% interval and the ratio to native. Data: ` +
      `<a href="${esc(d.csv)}">${esc(d.csv)}</a>.</p>`,
  ]
  if (d.chart)
    parts.push(
      `<div class="chart" id="chart-${index}" role="img" aria-label="${esc(d.chart.title)}"></div>`,
      `<p class="files">the same chart as a file: <a href="${esc(d.chart.svg)}">SVG</a>, <a href="${esc(d.chart.svg.replace(/\.svg$/, '.png'))}">PNG</a></p>`,
    )
  parts.push(table(d.header, rows), `<ul>${d.readings.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`)
  if (d.omitted.length > 0) parts.push(`<p>Left out: ${esc(d.omitted.join('; '))}.</p>`)
  parts.push('</section>')
  return parts.join('\n')
}

function sections(exps: readonly HtmlExperiment[]): string[] {
  let chart = 0
  return exps.map((e) => {
    const parts = [
      `<section id="${esc(e.id)}">`,
      `<h2>${esc(e.title)} (<code>${esc(e.id)}</code>)</h2>`,
      `<p>Reproduces ${esc(e.reproduces)}. Model: ${verdictCell(e.verdict)}${e.clauses.length > 0 ? ' (the claim is the conjunction of its clauses)' : ''}. ` +
        `Data: <a href="${esc(e.csv)}">${esc(e.csv)}</a>, context in <a href="${esc(e.meta)}">${esc(e.meta)}</a>.</p>`,
    ]
    for (const c of e.charts)
      parts.push(
        `<div class="chart" id="chart-${chart++}" role="img" aria-label="${esc(c.title)}"></div>`,
        `<p class="files">the same chart as a file: <a href="${esc(c.svg)}">SVG</a>, <a href="${esc(c.svg.replace(/\.svg$/, '.png'))}">PNG</a></p>`,
      )
    if (e.clauses.length > 0)
      parts.push(
        table(
          ['clause', 'verdict', 'detail'],
          e.clauses.map(
            (c) => `<tr><td>${esc(c.clause)}</td><td>${verdictCell(c.verdict)}</td><td>${esc(c.detail)}</td></tr>`,
          ),
        ),
      )
    if (e.references.length > 0) parts.push(...referenceSection(e))
    parts.push('</section>')
    return parts.join('\n')
  })
}

function referenceSection(e: HtmlExperiment): string[] {
  const from = e.paper ? ` from <a href="${esc(e.paper.url)}">${esc(e.paper.citation)}</a>, ${esc(e.paper.figure)}` : ''
  const rows = e.references.map(
    (r) =>
      `<tr><td>${esc(r.system)}</td><td>${esc(r.point)}</td><td>${esc(r.metric)}</td><td class="num">${esc(r.published)}</td>` +
      `<td class="num">${esc(r.model)}</td><td>${esc(r.gap)}</td><td>${esc(r.source)}</td></tr>`,
  )
  return [
    `<p>Published points${from} (a bound is met or missed, a value has a signed error):</p>`,
    table(['system', 'point', 'metric', 'published', 'model', 'error', 'source'], rows),
  ]
}
