/**
 * What `bench compare` and `bench diff` share: the tolerance and report flags, their validation,
 * and the output of a comparison (text on stdout, optional JUnit XML and Markdown files, the exit
 * code 3 when a figure moved).
 */
import {Flags} from '@oclif/core'
import {listExperiments} from '../experiments/registry.js'
import type {ExperimentDef, ResultRow} from '../experiments/types.js'
import {writeOutputFiles, type OutputFile} from '../report/atomic.js'
import {
  compareRows,
  comparisonFailed,
  comparisonJson,
  renderComparison,
  tolerancesOf,
  type Comparison,
  type ComparisonJson,
  type Tolerances,
} from '../report/compare.js'
import {checkOutFile} from '../report/files.js'
import {renderJunit, renderMarkdownSummary} from '../report/gate.js'
import {parseAbsTolerance, parseMetricTolerances, parseTolerance} from './options.js'

/** The exit code of a comparison that found a moved figure (0 same, 1 internal error, 2 bad input). */
export const EXIT_MOVED = 3

export const gateFlags = {
  tolerance: Flags.string({
    description: 'relative change any metric may move, e.g. 2% or 0.02 [default: 2%]',
    helpValue: 'X',
  }),
  'abs-tolerance': Flags.string({
    description: 'absolute change any metric may move, in its unit; a row moves only beyond both [default: 0]',
    helpValue: 'X',
  }),
  'metric-tolerance': Flags.string({
    description: 'relative tolerance of one metric, e.g. latency_ns=5% (repeatable)',
    helpValue: 'METRIC=X',
    multiple: true,
  }),
  'metric-abs-tolerance': Flags.string({
    description: 'absolute tolerance of one metric, e.g. latency_ns=3 (repeatable)',
    helpValue: 'METRIC=X',
    multiple: true,
  }),
  junit: Flags.string({
    description: 'also write a JUnit XML report (one test suite per experiment: its figures, its claim)',
    helpValue: 'FILE',
  }),
  markdown: Flags.string({
    description: 'also write a Markdown summary (e.g. --markdown "$GITHUB_STEP_SUMMARY")',
    helpValue: 'FILE',
  }),
}

export interface GateFlagValues {
  tolerance?: string
  'abs-tolerance'?: string
  'metric-tolerance'?: string[]
  'metric-abs-tolerance'?: string[]
  junit?: string
  markdown?: string
}

/**
 * Validates the tolerance and report flags before anything runs; `metrics`: the metric names the comparison will meet.
 */
export function parseGateFlags(flags: GateFlagValues, metrics?: ReadonlySet<string>): Tolerances {
  const t = tolerancesOf(
    parseTolerance(flags.tolerance),
    parseAbsTolerance(flags['abs-tolerance']),
    parseMetricTolerances(flags['metric-tolerance'], flags['metric-abs-tolerance'], metrics),
  )
  if (flags.junit !== undefined) checkOutFile(flags.junit, '--junit')
  if (flags.markdown !== undefined) checkOutFile(flags.markdown, '--markdown')
  return t
}

export function definitions(): Map<string, ExperimentDef> {
  return new Map(listExperiments().map((d) => [d.id, d]))
}

export function compareWithClaims(old: readonly ResultRow[], now: readonly ResultRow[], t: Tolerances): Comparison {
  return compareRows(old, now, t, {definitions: definitions()})
}

/**
 * Prints the comparison (unless --json), writes the requested reports, and sets exit code 3 when
 * a figure moved. Returns the JSON result.
 */
export function emitComparison(
  c: Comparison,
  label: string,
  flags: GateFlagValues,
  json: boolean,
  command: string,
): ComparisonJson {
  const files: OutputFile[] = []
  if (flags.junit !== undefined) files.push({path: flags.junit, data: renderJunit(c, label, `virtuos ${command}`)})
  if (flags.markdown !== undefined)
    files.push({path: flags.markdown, data: renderMarkdownSummary(c, label, `virtuos ${command}`)})
  if (files.length > 0) writeOutputFiles(files, flags.junit !== undefined ? '--junit' : '--markdown')
  if (!json) process.stdout.write(renderComparison(c, label, command))
  if (comparisonFailed(c)) process.exitCode = EXIT_MOVED
  return comparisonJson(c, label)
}
