/**
 * A tornado chart per experiment: for each estimate, how far the experiment's headline figure moves
 * when the estimate sits at the low and at the high end of its range (the others at their values),
 * largest swing on top. Drawn with the report's own renderer (vega-lite to SVG, no browser).
 */
import type {TopLevelSpec} from 'vega-lite'
import {renderSvg} from './chart.js'
import type {tornado} from './sensitivity.js'

/** At most this many estimates per chart: the rest move the figure less than the last one shown. */
export const TORNADO_BARS = 15

export function tornadoSpec(experiment: string, t: ReturnType<typeof tornado>): TopLevelSpec {
  const rows = t.rows.slice(0, TORNADO_BARS)
  const values = rows.flatMap((r) =>
    (['low', 'high'] as const)
      .filter((end) => r[end] !== null)
      .map((end) => ({constant: r.constant, end: `${end} end of range`, change: r[end]})),
  )
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `${experiment}: what each estimate does to the headline`,
      subtitle: `${t.label}: ${t.base.toPrecision(4)} at the profile's values`,
    },
    width: 420,
    height: {step: 16},
    data: {values},
    mark: {type: 'bar', opacity: 0.85},
    encoding: {
      y: {field: 'constant', type: 'nominal', sort: rows.map((r) => r.constant), title: null, axis: {labelLimit: 320}},
      x: {field: 'change', type: 'quantitative', title: 'change of the headline (%)'},
      color: {
        field: 'end',
        type: 'nominal',
        scale: {domain: ['low end of range', 'high end of range'], range: ['#1f77b4', '#d62728']},
        title: null,
      },
      yOffset: {field: 'end'},
    },
    config: {font: 'Helvetica, Arial, sans-serif', legend: {orient: 'bottom'}},
  }
}

export function tornadoSvg(experiment: string, t: ReturnType<typeof tornado>): Promise<string> {
  return renderSvg(tornadoSpec(experiment, t))
}
