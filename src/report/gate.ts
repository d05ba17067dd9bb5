/**
 * The gate's verdict in the formats CI systems read: JUnit XML (one test suite per experiment, one
 * test case for its figures and one per clause of its claim) and a Markdown summary fit for a CI job page
 * (GitHub's $GITHUB_STEP_SUMMARY).
 */
import {describePoint} from '../experiments/claims.js'
import type {ResultRow} from '../experiments/types.js'
import {changeText, type Comparison, counts, type MovedRow, toleranceText, verdictText} from './compare.js'
import {readable} from './table.js'

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // characters XML 1.0 forbids
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

const movedLine = (m: MovedRow) =>
  `${m.kind}: ${m.old.system} ${describePoint(m.old.params)} ${m.old.metric} ${readable(m.old.value)} -> ${readable(m.now.value)} (${changeText(m)})`
const rowLine = (what: string, r: ResultRow) =>
  `${what}: ${r.system} ${describePoint(r.params)} ${r.metric} ${readable(r.value)}`

interface Case {
  name: string
  failure?: {message: string; body: string}
  out?: string
}

/**
 * One test suite per experiment: `figures` (moved, missing, extra rows) and `clause N` per clause of its
 * claim (fails when that clause's verdict changed).
 */
export function renderJunit(c: Comparison, baselineDir: string, suiteName = 'virtuos bench compare'): string {
  const suites = c.experiments.map((id) => ({id, cases: [figuresCase(c, id), ...claimCases(c, id)]}))
  const total = suites.reduce((n, s) => n + s.cases.length, 0)
  const failed = suites.reduce((n, s) => n + s.cases.filter((k) => k.failure).length, 0)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suiteName)}" tests="${total}" failures="${failed}" errors="0">`,
  ]
  for (const s of suites) lines.push(...suiteXml(s.id, s.cases, baselineDir))
  lines.push('</testsuites>')
  return lines.join('\n') + '\n'
}

/** The `figures` case of one experiment: fails with its moved, missing and extra rows. */
function figuresCase(c: Comparison, id: string): Case {
  const moved = c.moved.filter((m) => m.old.experiment === id)
  const missing = c.missing.filter((r) => r.experiment === id)
  const extra = c.extra.filter((r) => r.experiment === id)
  const problems = [
    ...moved.map(movedLine),
    ...missing.map((r) => rowLine('missing', r)),
    ...extra.map((r) => rowLine('extra', r)),
  ]
  if (problems.length === 0) return {name: 'figures'}
  const message = `${moved.length} moved, ${missing.length} missing, ${extra.length} extra (tolerance ${toleranceText(c.tolerances)})`
  return {name: 'figures', failure: {message, body: problems.join('\n')}}
}

/** The `clause N` cases of one experiment (none without a claim): each fails when its verdict changed. */
function claimCases(c: Comparison, id: string): Case[] {
  return c.claims
    .filter((x) => x.experiment === id)
    .map((claim, i) => {
      const name = `clause ${i + 1}`
      const line = `was ${verdictText(claim.old)}, now ${verdictText(claim.now)}: ${claim.now.detail}`
      if (!claim.flipped) return {name, out: `${claim.claim}\n${line}`}
      const body = `${claim.claim}\nbaseline: ${claim.old.detail}\nnow: ${claim.now.detail}`
      return {name, failure: {message: `clause verdict changed: ${line}`, body}}
    })
}

function suiteXml(id: string, cases: readonly Case[], baselineDir: string): string[] {
  const f = cases.filter((k) => k.failure).length
  const lines = [
    `  <testsuite name="${xml(id)}" tests="${cases.length}" failures="${f}" errors="0" skipped="0">`,
    `    <properties><property name="baseline" value="${xml(baselineDir)}"/></properties>`,
  ]
  for (const k of cases) {
    const open = `    <testcase classname="virtuos.${xml(id)}" name="${xml(`${id}: ${k.name}`)}" time="0"`
    if (k.failure)
      lines.push(
        `${open}>`,
        `      <failure message="${xml(k.failure.message)}" type="moved">${xml(k.failure.body)}</failure>`,
        '    </testcase>',
      )
    else if (k.out) lines.push(`${open}>`, `      <system-out>${xml(k.out)}</system-out>`, '    </testcase>')
    else lines.push(`${open}/>`)
  }
  lines.push('  </testsuite>')
  return lines
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const mdTable = (header: string[], body: string[][]) =>
  [header, header.map(() => '---'), ...body].map((r) => `| ${r.map(md).join(' | ')} |`)

/** At most this many moved rows in the Markdown summary (a job page is no place for 900 rows). */
export const MARKDOWN_ROWS = 30

export function renderMarkdownSummary(c: Comparison, baselineDir: string, title = 'virtuos bench compare'): string {
  const n = counts(c)
  const out = [
    `## ${title}: ${n.failed ? '❌ figures moved' : '✅ no figure moved'}`,
    '',
    `${n.checked} rows of ${c.experiments.length} experiment${c.experiments.length === 1 ? '' : 's'} checked against \`${baselineDir}\` ` +
      `(tolerance ${toleranceText(c.tolerances)}): **${n.moved} moved** (${n.regressed} regressed, ${n.improved} improved), ` +
      `**${n.flipped} verdict flip${n.flipped === 1 ? '' : 's'}**, ${n.missing} missing, ${n.extra} extra.`,
    '',
    ...c.notes.flatMap((n) => [`Note: ${n}.`, '']),
  ]
  out.push(...flippedSection(c), ...movedSection(c), ...oneSidedSection(c), ...claimsSection(c))
  return out.join('\n')
}

function flippedSection(c: Comparison): string[] {
  const flipped = c.claims.filter((x) => x.flipped)
  if (flipped.length === 0) return []
  const body = flipped.map((x) => [
    x.experiment,
    x.claim,
    verdictText(x.old),
    `**${verdictText(x.now)}**`,
    x.now.detail,
  ])
  return [
    '### Clause verdicts that changed',
    '',
    ...mdTable(['experiment', 'clause', 'was', 'now', 'detail'], body),
    '',
  ]
}

function movedSection(c: Comparison): string[] {
  if (c.moved.length === 0) return []
  const body = c.moved
    .slice(0, MARKDOWN_ROWS)
    .map((m) => [
      m.old.experiment,
      m.old.system,
      describePoint(m.old.params),
      m.old.metric,
      m.kind === 'regressed' ? '🔻 regressed' : '🔺 improved',
      readable(m.old.value),
      readable(m.now.value),
      changeText(m),
    ])
  const out = [
    '### Moved rows (largest change first)',
    '',
    ...mdTable(['experiment', 'system', 'point', 'metric', 'class', 'old', 'new', 'change'], body),
  ]
  if (c.moved.length > MARKDOWN_ROWS)
    out.push('', `... and ${c.moved.length - MARKDOWN_ROWS} more (see the job log or the JUnit report).`)
  out.push('')
  return out
}

function oneSidedSection(c: Comparison): string[] {
  if (c.missing.length + c.extra.length === 0) return []
  const rows = [...c.missing.map((r) => ['missing', r] as const), ...c.extra.map((r) => ['extra', r] as const)]
  const body = rows
    .slice(0, MARKDOWN_ROWS)
    .map(([s, r]) => [s, r.experiment, r.system, describePoint(r.params), r.metric, readable(r.value)])
  const out = [
    '### Rows on one side only',
    '',
    ...mdTable(['side', 'experiment', 'system', 'point', 'metric', 'value'], body),
  ]
  if (rows.length > MARKDOWN_ROWS) out.push('', `... and ${rows.length - MARKDOWN_ROWS} more.`)
  out.push('')
  return out
}

function claimsSection(c: Comparison): string[] {
  if (c.claims.length === 0) return []
  const body = c.claims.map((x) => [x.experiment, x.claim, verdictText(x.old), verdictText(x.now)])
  return [
    '<details><summary>Every clause</summary>',
    '',
    ...mdTable(['experiment', 'clause', 'baseline', 'now'], body),
    '',
    '</details>',
    '',
  ]
}
