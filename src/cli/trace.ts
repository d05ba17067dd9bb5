/**
 * `bench run <id> --trace FILE --point k=v,... --system S`: one point of one experiment on one
 * system, run in this thread under its first replicate's seed (what the run's rows hold as
 * replicate 0), with every stretch of CPU time (by core and activity) and every request's flow
 * recorded into a Chrome Trace Event file (report/trace.ts).
 */
import {UsageError} from '../errors.js'
import {seedPoint} from '../experiments/runner.js'
import {replicateSeed} from '../experiments/points.js'
import type {ExperimentDef, ParamValue, Point, SystemId} from '../experiments/types.js'
import {writeOutputFiles} from '../report/atomic.js'
import {checkOutFile} from '../report/files.js'
import {TraceRecorder} from '../report/trace.js'
import {observeBenches} from '../workloads/common.js'
import type {RunSetup} from './setup.js'

/** Spans kept at most (a long point runs millions of stretches; the file says how many were dropped). */
export const TRACE_SPAN_LIMIT = 500_000

export interface TraceJson {
  trace: string
  experiment: string
  system: SystemId
  point: Point
  seed: number
  spans: number
  droppedSpans: number
}

/** `k=v,k2=v2` against the experiment's axes: every axis named once, each value one it sweeps. */
export function parsePoint(def: ExperimentDef, raw: string | undefined): Point {
  const axes = def.axes.map((a) => a.name)
  if (raw === undefined) {
    if (axes.length === 0) return {}
    throw new UsageError(`--point: required with --trace (e.g. --point ${axes.map((a) => `${a}=...`).join(',')})`)
  }
  const point: Record<string, ParamValue> = {}
  for (const part of raw.split(',').filter((p) => p.trim() !== '')) {
    const [k, v] = part.split('=').map((s) => s.trim())
    const axis = def.axes.find((a) => a.name === k)
    if (!axis || v === undefined)
      throw new UsageError(`--point: '${part}' is not axis=value (axes: ${axes.join(', ')})`)
    const values = [...new Set([...axis.quick, ...axis.full])]
    const value = values.find((x) => String(x) === v)
    if (value === undefined)
      throw new UsageError(`--point: ${k}=${v} is not swept by ${def.id} (accepted: ${values.join(', ')})`)
    point[k] = value
  }
  const missing = axes.filter((a) => !(a in point))
  if (missing.length > 0) throw new UsageError(`--point: no value for ${missing.join(', ')} (axes: ${axes.join(', ')})`)
  // axis order, as the sweep's points have it (the seed hashes the point in that order)
  return Object.fromEntries(axes.map((a) => [a, point[a]]))
}

/** The one system to trace: the one given, or the experiment's only one. */
export function traceSystem(def: ExperimentDef, systems: readonly SystemId[]): SystemId {
  if (systems.length === 1) return systems[0]
  if (systems.length === 0 && def.systems.length === 1) return def.systems[0]
  throw new UsageError(`--trace: name one system with --system (${def.id} compares ${def.systems.join(', ')})`)
}

export function runTrace(def: ExperimentDef, system: SystemId, point: Point, file: string, setup: RunSetup): TraceJson {
  checkOutFile(file, '--trace')
  const seed = replicateSeed(setup.seed, def.id, seedPoint(def, point), 0)
  const recorder = new TraceRecorder(TRACE_SPAN_LIMIT)
  observeBenches((bench) => recorder.watch(bench))
  try {
    def.run(point, system, {seed, quick: setup.quick, profile: setup.profile})
  } finally {
    observeBenches(null)
  }
  const data = recorder.file({experiment: def.id, system, point: JSON.stringify(point), runSeed: setup.seed, seed})
  writeOutputFiles([{path: file, data: `${JSON.stringify(data)}\n`}], '--trace')
  const {spans, droppedSpans} = data.otherData as {spans: number; droppedSpans: number}
  return {trace: file, experiment: def.id, system, point, seed, spans, droppedSpans}
}
