/** The files `bench sensitivity` writes, built in memory so they are written together or not at all. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {SensitivityResult} from '../experiments/sensitivity-run.js'
import type {OutputFile} from './atomic.js'
import {CHART_DIR, REPORT_FILE} from './paper.js'
import {
  ROBUSTNESS_FILE,
  robustnessSection,
  SENSITIVITY_FILE,
  withRobustness,
  type RobustnessJson,
} from './robustness-md.js'
import {notReadBy, pruning, robustness, sensitivityCsv, tornado} from './sensitivity.js'
import {tornadoSvg} from './tornado.js'

export type SensitivityJson = RobustnessJson

/** DIR/REPORT.md's text so far ('' when there is none). */
function reportText(dir: string): string {
  try {
    return readFileSync(join(dir, REPORT_FILE), 'utf8')
  } catch {
    return ''
  }
}

export async function sensitivityFiles(
  dir: string,
  result: SensitivityResult,
  run: {quick: boolean; seed: number; replicates?: number; trajectories: number; levels: number},
): Promise<{files: OutputFile[]; json: SensitivityJson}> {
  const base = result.variants[0].runs
  const profile = base[0]?.runProfile
  const charts: {experiment: string; file: string; svg: string}[] = []
  if (result.method === 'oat')
    for (const [k, r] of base.entries()) {
      const id = r.experiment.id
      charts.push({
        experiment: id,
        file: `${CHART_DIR}/${id}.tornado.svg`,
        svg: await tornadoSvg(id, tornado(result, k)),
      })
    }
  const json: SensitivityJson = {
    method: result.method,
    mode: run.quick ? 'quick' : 'full',
    seed: run.seed,
    replicates: run.replicates ?? 1,
    profile: {name: profile?.name ?? '', hash: profile?.hash ?? ''},
    estimates: result.factors.map(({key, value, low, high, assumed, why}) => ({key, value, low, high, assumed, why})),
    ...(result.method === 'morris' ? {design: {trajectories: run.trajectories, levels: run.levels}} : {}),
    systems: base.map((r) => ({experiment: r.experiment.id, systems: [...r.systems]})),
    clauses: robustness(result),
    notRead: base.map((r, k) => ({experiment: r.experiment.id, estimates: notReadBy(result, k)})),
    pruning: pruning(result),
    invalid: result.variants.filter((v) => v.invalid).map((v) => ({variant: v.variant.id, reason: v.invalid!})),
    charts: charts.map(({experiment, file}) => ({experiment, file})),
  }
  const files: OutputFile[] = [
    {path: join(dir, SENSITIVITY_FILE), data: sensitivityCsv(result)},
    {path: join(dir, ROBUSTNESS_FILE), data: `${JSON.stringify(json, null, 2)}\n`},
    ...charts.map((c) => ({path: join(dir, c.file), data: c.svg})),
    {path: join(dir, REPORT_FILE), data: withRobustness(reportText(dir), robustnessSection(json))},
  ]
  return {files, json}
}
