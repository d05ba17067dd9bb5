/**
 * `bench paper`'s output: per experiment `<id>.csv` and `<id>.meta.json`, the charts drawn from
 * each CSV under `charts/`, and `REPORT.md` linking them, all written atomically together.
 */
import {join} from 'node:path'
import type {ExperimentRun} from '../experiments/runner.js'
import {writeOutputFiles, type OutputFile} from './atomic.js'
import {chartsFromCsv, type ChartFile} from './chart.js'
import {toCsv} from './csv.js'
import {resultFiles} from './files.js'
import {renderReport} from './markdown.js'

/** Charts sit in a subdirectory so results/ stays readable; REPORT.md links them relatively. */
export const CHART_DIR = 'charts'
export const REPORT_FILE = 'REPORT.md'

export async function paperFiles(dir: string, runs: readonly ExperimentRun[], overrides: readonly string[] = []): Promise<OutputFile[]> {
  const files = resultFiles(dir, runs, overrides)
  const charts = new Map<string, ChartFile[]>()
  for (const run of runs) {
    const id = run.experiment.id
    // From the CSV text exactly as written, so the charts show what the file holds.
    const drawn = await chartsFromCsv(toCsv(run.rows), run.experiment, `${id}.csv`)
    charts.set(id, drawn)
    for (const c of drawn) files.push({path: join(dir, CHART_DIR, c.file), data: c.svg})
  }
  files.push({path: join(dir, REPORT_FILE), data: renderReport({runs, charts, chartDir: CHART_DIR, overrides})})
  return files
}

/** Writes every file of the paper or none; returns the paths written. */
export async function writePaper(dir: string, runs: readonly ExperimentRun[], overrides: readonly string[] = []): Promise<string[]> {
  const files = await paperFiles(dir, runs, overrides)
  writeOutputFiles(files, '--out')
  return files.map((f) => f.path)
}
