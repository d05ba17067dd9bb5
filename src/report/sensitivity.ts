/**
 * The outputs of a sensitivity analysis: sensitivity.csv (how each estimate moves each figure),
 * robustness.json (per clause, the estimates whose range can flip its verdict), a tornado chart per
 * experiment and the report section "How robust is each verdict?".
 */
import {stringify} from 'csv-stringify/sync'
import {judgeClaim} from '../experiments/claims.js'
import {pointKey} from '../experiments/points.js'
import {morrisIndices, type Factor} from '../experiments/sensitivity.js'
import {headlineSubject} from '../experiments/sensitivity-systems.js'
import type {SensitivityResult, VariantExperiment, VariantRun} from '../experiments/sensitivity-run.js'
import type {ResultRow, Verdict} from '../experiments/types.js'

/** How sensitivity.csv and robustness.json name a variant an experiment was not run under (sensitivity-reads.ts). */
export const NOT_READ = 'not read'

/** One experiment's main figure as one number, so estimates can be ranked by how far they move it. */
export interface Headline {
  label: string
  value: number
}

/**
 * The subject's mean ratio to native over the points, on the experiment's first metric, where both
 * ran (VirtuOS, else the first other system: headlineSubject); otherwise the subject's mean value.
 */
export function headline(run: VariantExperiment): Headline {
  const metric = run.experiment.metrics[0].name
  const subject = headlineSubject(run.systems)
  const rows = run.rows.filter((r) => r.metric === metric && r.system === subject)
  const ratios = rows.filter((r) => r.ratioVsNative !== null).map((r) => r.ratioVsNative!)
  if (ratios.length > 0) return {label: `${subject}/native ${metric} (mean over points)`, value: mean(ratios)}
  return {label: `${subject} ${metric} (mean over points)`, value: mean(rows.map((r) => r.value))}
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN)
const changePct = (base: number, x: number) => (base === 0 ? (x === 0 ? 0 : null) : (x / base - 1) * 100)
const rowKey = (r: ResultRow) => `${r.system}|${pointKey(r.params)}|${r.metric}`
/** A point as a reader writes it: `threads=4;file_bytes=256`. */
const pointText = (r: ResultRow) =>
  Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(';')

function verdicts(run: VariantExperiment): Verdict[] {
  return judgeClaim(run.experiment, run.rows)?.clauses.map((c) => c.verdict) ?? []
}

/** sensitivity.csv: OAT, one line per constant, end, experiment row; Morris, one line per constant and experiment. */
export function sensitivityCsv(result: SensitivityResult): string {
  return result.method === 'oat' ? oatCsv(result) : morrisCsv(result)
}

function factorOf(result: SensitivityResult, key: string): Factor {
  return result.factors.find((f) => f.key === key)!
}

function oatCsv(result: SensitivityResult): string {
  const [base, ...rest] = result.variants
  const header = ['constant', 'level', 'value', 'default', 'range_assumed', 'experiment', 'system', 'point', 'metric']
  const records: string[][] = [[...header, 'default_value', 'value_at_level', 'change_pct', 'status']]
  for (const v of rest.filter((x) => !x.invalid)) {
    const f = factorOf(result, v.variant.factor!)
    const id = [f.key, v.variant.level!, String(v.variant.value), String(f.value), String(f.assumed)]
    base.runs.forEach((b, k) => {
      // one line for a run not made: the experiment never read what the variant changes
      if (v.runs[k].notRead) return records.push([...id, b.experiment.id, '', '', '', '', '', '', NOT_READ])
      const at = new Map(v.runs[k].rows.map((r) => [rowKey(r), r]))
      for (const r of b.rows) {
        const x = at.get(rowKey(r))
        if (!x) continue
        const c = changePct(r.value, x.value)
        const where = [r.experiment, r.system, pointText(r), r.metric]
        records.push([...id, ...where, String(r.value), String(x.value), c === null ? '' : String(c), 'ran'])
      }
    })
  }
  return stringify(records, {record_delimiter: 'unix'})
}

function morrisCsv(result: SensitivityResult): string {
  const records: string[][] = [
    ['constant', 'low', 'high', 'range_assumed', 'experiment', 'output', 'mu_star', 'mu', 'sigma', 'effects'],
  ]
  for (const e of morrisByExperiment(result))
    for (const m of e.indices) {
      const f = factorOf(result, m.key)
      const nums = [m.muStar, m.mu, m.sigma, m.effects].map(String)
      records.push([f.key, String(f.low), String(f.high), String(f.assumed), e.experiment, e.label, ...nums])
    }
  return stringify(records, {record_delimiter: 'unix'})
}

/** Morris indices of each experiment's headline, estimates by mu* (largest first). */
export function morrisByExperiment(result: SensitivityResult) {
  const design = result.design ?? []
  const byTrajectory = (k: number) =>
    design.map((t, ti) =>
      t.points.map((_, pi) => {
        const v = variantAt(result, ti, pi)
        return v.invalid ? NaN : headline(v.runs[k]).value // an invalid point's effects are not computed
      }),
    )
  return result.variants[0].runs.map((run, k) => ({
    experiment: run.experiment.id,
    label: headline(run).label,
    indices: morrisIndices(result.factors, design, byTrajectory(k)).sort((a, b) => b.muStar - a.muStar),
  }))
}

function variantAt(result: SensitivityResult, trajectory: number, point: number): VariantRun {
  return result.variants.find((v) => v.variant.id === `morris:${trajectory}:${point}`)!
}

/** What one estimate does to a clause: its verdict at that end (OAT) or after that step (Morris). */
export interface Flip {
  constant: string
  /** OAT: `low`/`high`; Morris: `trajectory T step S`. */
  at: string
  value: number | null
  verdict: Verdict
}

export interface ClauseRobustness {
  experiment: string
  clause: number
  text: string
  verdict: Verdict
  /** Every variant under which the verdict differs from the default's. */
  flips: Flip[]
  /** The estimates behind the flips, each once. */
  hangsOn: string[]
  /**
   * Of those, the ones at whose end the verdict turns to the opposite definite verdict (supported
   * to not supported or back); the rest only weaken it to inconclusive (or untested): the margin
   * falls within the noise there, which a few more replicates may settle.
   */
  reversedBy: string[]
  /**
   * No estimate's range flips the verdict; null when the default run cannot judge the clause
   * (untested: a system it reads was not run), so nothing can be said of its robustness.
   */
  robust: boolean | null
  /** OAT: the estimates the experiment never read (no end of their range ran it: it cannot flip). */
  notRead: string[]
}

/** robustness.json: per clause of every experiment run, whether any estimate's range flips it. */
export function robustness(result: SensitivityResult): ClauseRobustness[] {
  const [base] = result.variants
  return base.runs.flatMap((run, k) => {
    const clauses = run.experiment.clauses ?? []
    const def = verdicts(run)
    return clauses.map((c, i) => {
      const flips = result.method === 'oat' ? oatFlips(result, k, i, def[i]) : morrisFlips(result, k, i)
      const hangsOn = [...new Set(flips.map((f) => f.constant))]
      const reversedBy = [...new Set(flips.filter((f) => reverses(def[i], f.verdict)).map((f) => f.constant))]
      return {
        experiment: run.experiment.id,
        clause: i + 1,
        text: c.text,
        verdict: def[i],
        flips,
        hangsOn,
        reversedBy,
        robust: def[i] === 'untested' ? null : hangsOn.length === 0,
        notRead: notReadBy(result, k),
      }
    })
  })
}

const DEFINITE: readonly Verdict[] = ['supported', 'not supported']
/** From one definite verdict to the other (not to or from inconclusive or untested). */
export const reverses = (from: Verdict, to: Verdict) => from !== to && DEFINITE.includes(from) && DEFINITE.includes(to)

/** OAT: the estimates every valid variant of which left experiment k unrun (not read), in factor order. */
export function notReadBy(result: SensitivityResult, k: number): string[] {
  if (result.method !== 'oat') return []
  const ran = new Set<string>()
  const seen = new Set<string>()
  for (const v of result.variants.slice(1)) {
    if (v.invalid) continue
    seen.add(v.variant.factor!)
    if (!v.runs[k].notRead) ran.add(v.variant.factor!)
  }
  return result.factors.map((f) => f.key).filter((key) => seen.has(key) && !ran.has(key))
}

/** (variant, experiment) runs the analysis did not make, of all those of its valid variants after the default. */
export function pruning(result: SensitivityResult): {notRun: number; runs: number} {
  const runs = result.variants.slice(1).filter((v) => !v.invalid)
  const all = runs.reduce((n, v) => n + v.runs.length, 0)
  return {notRun: runs.reduce((n, v) => n + v.runs.filter((r) => r.notRead).length, 0), runs: all}
}

function oatFlips(result: SensitivityResult, k: number, i: number, def: Verdict): Flip[] {
  return result.variants.slice(1).flatMap((v) => {
    if (v.invalid || v.runs[k].notRead) return []
    const verdict = verdicts(v.runs[k])[i]
    if (verdict === def) return []
    return [{constant: v.variant.factor!, at: v.variant.level!, value: v.variant.value ?? null, verdict}]
  })
}

/** A Morris step flips a clause when its verdict after the step differs from before: the factor it moved. */
function morrisFlips(result: SensitivityResult, k: number, i: number): Flip[] {
  return (result.design ?? []).flatMap((t, ti) =>
    t.moves.flatMap((m, s) => {
      const [a, b] = [variantAt(result, ti, s), variantAt(result, ti, s + 1)]
      if (a.invalid || b.invalid) return []
      const before = verdicts(a.runs[k])[i]
      const after = verdicts(b.runs[k])[i]
      if (before === after) return []
      return [
        {constant: result.factors[m.factor].key, at: `trajectory ${ti + 1} step ${s + 1}`, value: null, verdict: after},
      ]
    }),
  )
}

/** OAT: each estimate's change of the experiment's headline at the low and high end, largest swing first. */
export function tornado(result: SensitivityResult, k: number) {
  const base = headline(result.variants[0].runs[k])
  const bars = new Map<string, {low: number | null; high: number | null}>()
  for (const v of result.variants.slice(1).filter((x) => !x.invalid && !x.runs[k].notRead)) {
    const x = headline(v.runs[k]).value
    const bar = bars.get(v.variant.factor!) ?? {low: null, high: null}
    bar[v.variant.level!] = changePct(base.value, x)
    bars.set(v.variant.factor!, bar)
  }
  const swing = (b: {low: number | null; high: number | null}) => Math.max(Math.abs(b.low ?? 0), Math.abs(b.high ?? 0))
  const rows = [...bars].map(([constant, b]) => ({constant, ...b})).sort((a, b) => swing(b) - swing(a))
  return {label: base.label, base: base.value, rows}
}
