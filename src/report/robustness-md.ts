/** REPORT.md's section "How robust is each verdict?", from robustness.json's entries. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {NOT_READ, reverses, type ClauseRobustness, type Flip} from './sensitivity.js'

export const ROBUSTNESS_FILE = 'robustness.json'
export const SENSITIVITY_FILE = 'sensitivity.csv'

/** robustness.json (schemas/robustness.schema.json): how the analysis ran, and every clause. */
export interface RobustnessJson {
  method: 'oat' | 'morris'
  mode: 'quick' | 'full'
  seed: number
  replicates: number
  profile: {name: string; hash: string}
  estimates: {key: string; value: number; low: number; high: number; assumed: boolean; why: string}[]
  /** Morris: trajectories and levels. */
  design?: {trajectories: number; levels: number}
  /** The systems each experiment ran (by default those its clauses and headline read); absent in older files. */
  systems?: {experiment: string; systems: string[]}[]
  clauses: ClauseRobustness[]
  /** OAT: per experiment, the estimates it never read (their variants did not run it). */
  notRead: {experiment: string; estimates: string[]}[]
  /** Runs (variant x experiment, after the default) not made: the variant cannot change the experiment's rows. */
  pruning: {notRun: number; runs: number}
  /** Variants whose profile did not validate (so ran nothing), and why. */
  invalid: {variant: string; reason: string}[]
  /** Tornado chart files per experiment (OAT), relative to the folder. */
  charts: {experiment: string; file: string}[]
}

/** "`key` (clauses)" for every estimate named in the lists, most clauses first; '' for none. */
function tally(lists: readonly (readonly string[])[]): string {
  const counts = new Map<string, number>()
  for (const list of lists) for (const k of list) counts.set(k, (counts.get(k) ?? 0) + 1)
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `\`${k}\` (${n})`)
    .join(', ')
}

/** yes; no, reversed (some estimate's end gives the opposite verdict) or only weakened (inconclusive there). */
function robustCell(c: ClauseRobustness): string {
  if (c.robust === null) return 'not analysed (untested)'
  if (c.robust) return 'yes'
  return (c.reversedBy ?? []).length > 0 ? '**no**: reversed' : '**no**: weakened to inconclusive'
}

/** The analysis in one line: how many clauses an estimate's range flips, and how many it could not judge. */
export function robustnessLine(clauses: readonly ClauseRobustness[]): string {
  const flip = clauses.filter((c) => c.robust === false).length
  const untested = clauses.filter((c) => c.robust === null).length
  const open = untested > 0 ? ` (${untested} untested: a system they read was not run)` : ''
  return `${flip} of ${clauses.length} clauses flip within some estimate's range${open}`
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function robustnessSection(r: RobustnessJson): string {
  const assumed = r.estimates.filter((e) => e.assumed).length
  const lines = [
    '## How robust is each verdict?',
    '',
    `Sensitivity analysis (\`bench sensitivity --method ${r.method}\`, ${r.mode} mode, seed ${r.seed}, ${r.replicates} replicate(s)): ` +
      `${r.estimates.length} estimates of profile ${r.profile.name} (\`${r.profile.hash}\`) varied over their plausible ranges` +
      (r.method === 'oat'
        ? ', one at a time to each end with the others at their values.'
        : `, by Morris elementary effects (${r.design?.trajectories} trajectories, ${r.design?.levels} levels).`) +
      (assumed > 0
        ? ` ${assumed} of them carry no range in the profile and were varied x0.5-x2 (within their bounds).`
        : ''),
    '',
    ...(r.systems && r.systems.length > 0
      ? [`Systems run: ${r.systems.map((e) => `${e.experiment} (${e.systems.join(', ')})`).join('; ')}.`, '']
      : []),
    ...((r.pruning?.notRun ?? 0) > 0
      ? [
          `${r.pruning.notRun} of ${r.pruning.runs} runs (variant x experiment) were not made: the variant agrees with the default at every profile value the experiment read, so its rows are the default's. ` +
            `Estimates an experiment never reads are listed as \`notRead\` in robustness.json and \`${NOT_READ}\` in sensitivity.csv; they cannot flip its clauses.`,
          '',
        ]
      : []),
    ...(r.invalid.length > 0
      ? [
          `${r.invalid.length} variant(s) were not valid profiles and ran nothing: ${r.invalid.map((v) => `${v.variant} (${v.reason})`).join('; ')}.`,
          '',
        ]
      : []),
    '| experiment | # | verdict | robust? | estimates that flip it (verdict there) |',
    '| --- | --- | --- | --- | --- |',
    ...r.clauses.map((c) => {
      // reversals first: they matter more than a margin lost in the noise
      const reversal = (f: Flip) => (reverses(c.verdict, f.verdict) ? 0 : 1)
      const by = [...c.flips]
        .sort((a, b) => reversal(a) - reversal(b))
        .slice(0, 8)
        .map((f) => `${f.constant} ${f.at}${f.value !== null ? ` = ${f.value}` : ''}: ${f.verdict}`)
        .join('; ')
      const more = c.flips.length > 8 ? `; and ${c.flips.length - 8} more` : ''
      return `| ${c.experiment} | ${c.clause} | ${c.verdict} | ${robustCell(c)} | ${cell(by + more) || 'none'} |`
    }),
    '',
  ]
  const flipping = tally(r.clauses.map((c) => c.hangsOn))
  const reversing = tally(r.clauses.map((c) => c.reversedBy ?? []))
  lines.push(
    flipping.length === 0
      ? 'No estimate flips any clause within its range.'
      : `Estimates that flip at least one clause (the constants most worth a better source): ${flipping}.`,
    '',
  )
  if (reversing.length > 0)
    lines.push(`Of those, the ones whose range reverses a verdict (not only leaves it inconclusive): ${reversing}.`, '')
  for (const ch of r.charts) lines.push(`![${ch.experiment}: tornado](${ch.file})`, '')
  return lines.join('\n')
}

const BEGIN = '<!-- robustness: written by bench sensitivity -->'
const END = '<!-- end of robustness -->'

/** REPORT.md with the robustness section in place of an earlier one, or appended. */
export function withRobustness(report: string, section: string): string {
  const block = `${BEGIN}\n${section}${END}\n`
  const a = report.indexOf(BEGIN)
  const b = report.indexOf(END)
  if (a >= 0 && b > a) return report.slice(0, a) + block + report.slice(b + END.length + 1)
  return `${report}${report === '' || report.endsWith('\n\n') ? '' : '\n'}${block}`
}

/**
 * A regenerated REPORT.md keeps the robustness section of DIR's robustness.json (an analysis run
 * earlier; its first line names its seed and profile hash).
 */
export function keepRobustness(dir: string, report: string): string {
  let json: RobustnessJson
  try {
    json = JSON.parse(readFileSync(join(dir, ROBUSTNESS_FILE), 'utf8')) as RobustnessJson
  } catch {
    return report // none yet, or unreadable: the next bench sensitivity writes it anew
  }
  return Array.isArray(json.clauses) ? withRobustness(report, robustnessSection(json)) : report
}
