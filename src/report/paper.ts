/**
 * `bench paper`'s output: per experiment `<id>.csv` and `<id>.meta.json`, the charts drawn from
 * each CSV under `charts/` (SVG, and a PNG of each), the design-space summary of every experiment
 * (`design-space.csv`, `charts/design-space.svg`), `REPORT.md` linking them, `report.html` (the
 * same report with interactive charts, see html.ts) and `claims.json` (every clause's verdict), all written
 * atomically together. Charts of a regenerated experiment left by an earlier run (a metric no
 * longer produced) are removed in the same write, so what sits in `charts/` is current.
 */
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {judgeClaim} from '../experiments/claims.js'
import {listExperiments} from '../experiments/registry.js'
import type {ExperimentRun} from '../experiments/runner.js'
import type {Verdict} from '../experiments/types.js'
import {writeOutputFiles, type OutputFile} from './atomic.js'
import {breakdownChart} from './breakdown.js'
import {chartsFromCsv, type ChartFile} from './chart.js'
import {toCsv} from './csv.js'
import {DESIGN_SPACE_CHART, designSpaceChart} from './design-space-chart.js'
import {DESIGN_SPACE_FILE, designSpace, designSpaceCsv} from './design-space.js'
import {countersCsv, countersFile} from './counters.js'
import {breakdownPaths, resultFiles} from './files.js'
import {HTML_FILE, htmlReportData, renderHtml} from './html.js'
import {renderReport} from './markdown.js'
import {keepRobustness} from './robustness-md.js'
import {svgToPng} from './png.js'

/** Charts sit in a subdirectory so results/ stays readable; REPORT.md links them relatively. */
export const CHART_DIR = 'charts'
export const REPORT_FILE = 'REPORT.md'
/** Every clause of every experiment with its verdict and the rows behind it (schemas/claims.schema.json). */
export const CLAIMS_FILE = 'claims.json'

export interface ClaimsJsonEntry {
  experiment: string
  clause: string
  verdict: Verdict
  margin: number | null
  detail: string
  points: {
    system: string
    params: Record<string, number | string>
    metric: string
    value: number
    ci95_low: number
    ci95_high: number
    replicates: number
  }[]
}

/** claims.json: one entry per clause, experiments in report order, clauses in their order. */
export function claimsJson(runs: readonly ExperimentRun[]): ClaimsJsonEntry[] {
  return runs.flatMap((run) =>
    (judgeClaim(run.experiment, run.rows)?.clauses ?? []).map((c) => ({
      experiment: run.experiment.id,
      clause: c.clause.text,
      verdict: c.verdict,
      margin: c.clause.margin,
      detail: c.detail,
      points: c.points.map((r) => ({
        system: r.system,
        params: {...r.params},
        metric: r.metric,
        value: r.value,
        ci95_low: r.ci95Low,
        ci95_high: r.ci95High,
        replicates: r.replicates,
      })),
    })),
  )
}

/** `x.svg` -> `x.png`. */
/** DIR/<id>.counters.csv of each run that counted anything. */
function countersOutput(dir: string, runs: readonly ExperimentRun[]): OutputFile[] {
  return runs
    .filter((r) => (r.counters ?? []).length > 0)
    .map((r) => ({path: join(dir, countersFile(r.experiment.id)), data: countersCsv(r)}))
}

export const pngName = (svgFile: string) => svgFile.replace(/\.svg$/, '.png')

/** The charts of one run, drawn from its CSV text exactly as written, so they show what the file holds. */
async function drawCharts(run: ExperimentRun): Promise<ChartFile[]> {
  const charts = await chartsFromCsv(toCsv(run.rows), run.experiment, `${run.experiment.id}.csv`)
  return run.breakdown ? [...charts, await breakdownChart(run.experiment.id, run.breakdown)] : charts
}

function chartOutput(dir: string, drawn: readonly Pick<ChartFile, 'file' | 'svg'>[]): OutputFile[] {
  return drawn.flatMap((c) => [
    {path: join(dir, CHART_DIR, c.file), data: c.svg},
    {path: join(dir, CHART_DIR, pngName(c.file)), data: svgToPng(c.svg)},
  ])
}

export interface PaperOptions {
  /**
   * Experiments already in DIR that stay as they are: REPORT.md keeps their sections (their charts are not rewritten).
   */
  kept?: readonly ExperimentRun[]
  /** Write `<id>.csv` and `<id>.meta.json` of `runs` (bench paper); false: charts and REPORT.md only (bench report). */
  results?: boolean
}

/** Report order: the registry's (the paper's) order, whatever order the runs came in. */
function inRegistryOrder(runs: readonly ExperimentRun[]): ExperimentRun[] {
  const order = new Map(listExperiments().map((d, i) => [d.id, i]))
  return [...runs].sort((a, b) => (order.get(a.experiment.id) ?? Infinity) - (order.get(b.experiment.id) ?? Infinity))
}

export async function paperFiles(
  dir: string,
  runs: readonly ExperimentRun[],
  overrides: readonly string[] = [],
  opts: PaperOptions = {},
): Promise<OutputFile[]> {
  const files: OutputFile[] = opts.results === false ? [] : resultFiles(dir, runs, overrides)
  // the counters beside each CSV, so `bench report` redraws REPORT.md's counters tables from the folder
  if (opts.results !== false) files.push(...countersOutput(dir, runs))
  const charts = new Map<string, ChartFile[]>()
  for (const run of runs) {
    const drawn = await drawCharts(run)
    charts.set(run.experiment.id, drawn)
    files.push(...chartOutput(dir, drawn))
  }
  // kept experiments: their charts are only named in the report (drawn again from their CSV for the titles, not
  // written)
  for (const run of opts.kept ?? []) charts.set(run.experiment.id, await drawCharts(run))
  const all = inRegistryOrder([...runs, ...(opts.kept ?? [])])
  const claims = claimsJson(all)
  const space = designSpace(all)
  const spaceChart = await designSpaceChart(space)
  if (spaceChart) files.push(...chartOutput(dir, [spaceChart]))
  files.push({path: join(dir, DESIGN_SPACE_FILE), data: designSpaceCsv(space)})
  const report = renderReport({
    runs: all,
    charts,
    chartDir: CHART_DIR,
    overrides,
    designSpaceChart: spaceChart?.file ?? null,
  })
  files.push({path: join(dir, REPORT_FILE), data: keepRobustness(dir, report)})
  files.push({path: join(dir, HTML_FILE), data: renderHtml(htmlReportData(all, claims, CHART_DIR))})
  files.push({path: join(dir, CLAIMS_FILE), data: `${JSON.stringify(claims, null, 2)}\n`})
  return files
}

/**
 * The chart files in DIR/charts of these experiments: `<id>.<metric>.svg|png`, the metric a slug
 * (no dots), so `a.x.svg` is a's and never that of an experiment `a.b`.
 */
export function existingCharts(dir: string, ids: readonly string[]): string[] {
  let names: string[]
  try {
    names = readdirSync(join(dir, CHART_DIR))
  } catch {
    return [] // no chart directory yet (or not a directory: the write reports that)
  }
  const escaped = ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const mine = new RegExp(`^(?:${escaped.join('|')})\\.[A-Za-z0-9_-]+\\.(?:svg|png)$`)
  return ids.length === 0 ? [] : names.filter((n) => mine.test(n)).map((n) => join(dir, CHART_DIR, n))
}

/**
 * What a new write of the paper replaces: these experiments' charts and the design-space chart (kept
 * when drawn again; removed when this run draws none, so no chart of an earlier run stays behind).
 */
export function replacedCharts(dir: string, ids: readonly string[]): string[] {
  const space = [DESIGN_SPACE_CHART, pngName(DESIGN_SPACE_CHART)].map((f) => join(dir, CHART_DIR, f))
  return [...existingCharts(dir, ids), ...space]
}

/**
 * Writes every file of the paper or none, then removes the regenerated experiments' stale charts; returns the paths
 * written.
 */
export async function writePaper(
  dir: string,
  runs: readonly ExperimentRun[],
  overrides: readonly string[] = [],
  opts: PaperOptions = {},
): Promise<string[]> {
  const files = await paperFiles(dir, runs, overrides, opts)
  writeOutputFiles(files, '--out', [
    ...replacedCharts(
      dir,
      runs.map((r) => r.experiment.id),
    ),
    ...breakdownPaths(dir, runs),
  ])
  return files.map((f) => f.path)
}
