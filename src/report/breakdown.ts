/**
 * Where the cycles go at one point of an experiment (`bench run --breakdown`): the ledger of each
 * system (src/kernel/ledger.ts) as rows of (system, domain, activity, cycles, share), written to
 * `<id>.breakdown.csv`, printed as a table per system, and drawn as a stacked bar per system and
 * domain (shares of the domain's cores x elapsed cycles) in REPORT.md and report.html.
 */
import {stringify} from 'csv-stringify/sync'
import type {TopLevelSpec} from 'vega-lite'
import type {ChalkInstance} from 'chalk'
import {UsageError} from '../errors.js'
import {ACTIVITIES, type ActivityName} from '../kernel/ledger.js'
import {SYSTEM_IDS, type BreakdownRow, type SystemId} from '../experiments/types.js'
import {renderSvg, type ChartFile, type ChartSpec} from './chart.js'
import {parseCsv} from './csvread.js'

export const BREAKDOWN_COLUMNS = ['experiment', 'point', 'system', 'domain', 'activity', 'cycles', 'share'] as const

/** The file beside `<id>.csv`. */
export const breakdownFile = (id: string) => `${id}.breakdown.csv`

export function breakdownCsv(rows: readonly BreakdownRow[]): string {
  const records = rows.map((r) => BREAKDOWN_COLUMNS.map((c) => String(r[c])))
  return stringify([[...BREAKDOWN_COLUMNS], ...records], {record_delimiter: 'unix'})
}

/** Reads a breakdown CSV back (bench report); one line naming the file and what is wrong otherwise. */
export function readBreakdownCsv(text: string, source: string): BreakdownRow[] {
  const [header = [], ...lines] = parseCsv(text).filter((l) => l.length > 1 || l[0] !== '')
  const records = lines.map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]])) as Record<string, string>)
  return records.map((r, i) => {
    const where = `${source} line ${i + 2}`
    for (const c of BREAKDOWN_COLUMNS) if (r[c] === undefined) throw new UsageError(`${where}: no '${c}' column`)
    if (!(SYSTEM_IDS as readonly string[]).includes(r.system))
      throw new UsageError(`${where}: unknown system '${r.system}'`)
    if (!(ACTIVITIES as readonly string[]).includes(r.activity))
      throw new UsageError(`${where}: unknown activity '${r.activity}' (expected one of ${ACTIVITIES.join(', ')})`)
    const cycles = Number(r.cycles)
    const share = Number(r.share)
    if (!Number.isInteger(cycles) || cycles < 0 || !(share >= 0 && share <= 1))
      throw new UsageError(`${where}: cycles must be a whole number >= 0 and share in [0, 1]`)
    return {
      experiment: r.experiment,
      point: r.point,
      system: r.system as SystemId,
      domain: r.domain,
      activity: r.activity as ActivityName,
      cycles,
      share,
    }
  })
}

/** The terminal view: per system, activities down, the system's domains across, shares in percent. */
export function renderBreakdown(rows: readonly BreakdownRow[], paint: ChalkInstance): string {
  const out: string[] = []
  for (const system of SYSTEM_IDS) {
    const mine = rows.filter((r) => r.system === system)
    if (mine.length === 0) continue
    const domains = [...new Set(mine.map((r) => r.domain))]
    const activities = ACTIVITIES.filter((a) => mine.some((r) => r.activity === a))
    const header = ['activity', ...domains]
    const cell = (a: ActivityName, d: string) => {
      const r = mine.find((x) => x.activity === a && x.domain === d)
      return r ? percent(r.share) : ''
    }
    const body = activities.map((a) => [a, ...domains.map((d) => cell(a, d))])
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
    const pad = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    out.push(
      paint.bold(`breakdown: ${mine[0].experiment} at ${mine[0].point}, ${system}`) +
        paint.dim("  (share of each domain's cores x elapsed cycles)"),
      paint.underline(pad(header)),
      ...body.map(pad),
      '',
    )
  }
  return out.join('\n')
}

/** A share in percent: one decimal, or two significant digits below 1% (so a small share is not 0.0%). */
function percent(share: number): string {
  const p = share * 100
  return `${p >= 1 || p === 0 ? p.toFixed(1) : p.toPrecision(2)}%`
}

/** Colours per activity, fixed so a colour means the same activity in every chart. */
const COLOURS: Record<ActivityName, string> = {
  user: '#4c78a8',
  refill: '#9ecae9',
  switch: '#f58518',
  trap: '#ffbf79',
  'handler-warm': '#54a24b',
  'handler-cold': '#88d27a',
  kernel: '#b79a20',
  library: '#f2cf5b',
  copy: '#439894',
  queue: '#83bcb6',
  polling: '#e45756',
  spinning: '#ff9d98',
  'event-channel': '#79706e',
  ipi: '#bab0ac',
  ipc: '#9d755d',
  grant: '#d67195',
  hypervisor: '#fcbfd2',
  interrupt: '#b279a2',
  idle: '#eeeeee',
}

/** A stacked bar per system and domain: shares of the domain's cycles by activity. */
export function breakdownSpec(rows: readonly BreakdownRow[]): TopLevelSpec {
  const systems = SYSTEM_IDS.filter((s) => rows.some((r) => r.system === s))
  const activities = ACTIVITIES.filter((a) => rows.some((r) => r.activity === a))
  const first = rows[0]
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${first?.experiment ?? ''}: where the cycles go`,
      subtitle: [`at ${first?.point ?? ''}; share of each domain's cores x elapsed cycles, by activity`],
      anchor: 'start',
    },
    data: {
      values: rows.map((r) => ({bar: `${r.system} / ${r.domain}`, ...r, order: ACTIVITIES.indexOf(r.activity)})),
    },
    background: 'white',
    config: {font: 'Helvetica, Arial, sans-serif', legend: {orient: 'right'}},
    width: 460,
    mark: {type: 'bar'},
    encoding: {
      y: {
        field: 'bar',
        type: 'nominal',
        title: 'system / domain',
        sort: systems.flatMap((s) => [...new Set(rows.filter((r) => r.system === s).map((r) => `${s} / ${r.domain}`))]),
      },
      x: {field: 'share', type: 'quantitative', stack: 'zero', title: 'share of cycles', axis: {format: '%'}},
      color: {
        field: 'activity',
        type: 'nominal',
        sort: activities,
        scale: {domain: activities, range: activities.map((a) => COLOURS[a])},
      },
      order: {field: 'order', type: 'quantitative'},
      tooltip: [
        {field: 'system'},
        {field: 'domain'},
        {field: 'activity'},
        {field: 'cycles', type: 'quantitative', format: ','},
        {field: 'share', type: 'quantitative', format: '.1%'},
      ],
    },
  } as TopLevelSpec
}

/** The breakdown chart of experiment `id` (file `<id>.breakdown.svg` in the chart directory). */
export function breakdownChartSpec(id: string, rows: readonly BreakdownRow[]): ChartSpec {
  return {
    file: `${id}.breakdown.svg`,
    experiment: id,
    metric: 'breakdown',
    title: `${id}: where the cycles go`,
    spec: breakdownSpec(rows),
  }
}

export async function breakdownChart(id: string, rows: readonly BreakdownRow[]): Promise<ChartFile> {
  const {spec, ...rest} = breakdownChartSpec(id, rows)
  return {...rest, svg: await renderSvg(spec)}
}
