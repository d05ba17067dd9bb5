/**
 * The point runner of both web-server experiments (mt-server, mp-server): the workload file of the
 * experiment, the point's clients and file size, a server shape (threads or processes) chosen from
 * the point, and the same metrics (requests/s, mean latency) and notes; the metric definitions
 * every web-server experiment shares (apache and flexsc-apache too).
 */
import {maxGoodput} from '../machine/nic.js'
import {cyclesToSeconds, flexscNotes} from '../workloads/common.js'
import {webConfig, webProfile, type WebProfile, type WebServerId} from '../workloads/webserver-profile.js'
import {runWebServer, type WebShape} from '../workloads/webserver.js'
import type {ExperimentDef, MetricDef, Point, PointResult, RunContext, SystemId} from './types.js'
import {withNativeCores} from './allocation.js'
import {counterMetrics, counterTable} from './counter-metrics.js'

/** Every web-server experiment's throughput (mt-server, mp-server, apache, flexsc-apache). */
export const REQUESTS_PER_S: MetricDef = {
  name: 'requests_per_s',
  unit: 'req/s',
  better: 'higher',
  description: 'requests completed in the window per simulated second',
}

/** A web-server experiment's mean latency as ab measures it. */
export const LATENCY_MEAN_MS: MetricDef = {
  name: 'latency_mean_ms',
  unit: 'ms',
  better: 'lower',
  description: "mean time from the client's connect to the last byte of the response",
}

/** `run` of a web-server experiment whose server has the shape `shapeOf(point, workload)`. */
export function webServerPoint(
  id: WebServerId,
  shapeOf: (point: Point, w: WebProfile) => WebShape,
): ExperimentDef['run'] {
  return (point: Point, system: SystemId, ctx: RunContext): PointResult => {
    const w = webProfile(id)
    const params = withNativeCores(ctx.profile.params, point.native_cores)
    const clients = Number(point.clients)
    const cfg = webConfig(w, params.clockHz, ctx.quick, clients, Number(point.file_bytes), maxGoodput(params))
    const shape = shapeOf(point, w)
    const {rec, engine, bench} = runWebServer(ctx.seed, params, system, cfg, shape)
    const shares = shape.kind === 'threads' && clients > shape.threads
    const shared = shares ? [`${clients} clients share ${shape.threads} server threads`] : []
    return {
      metrics: {
        requests_per_s: rec.rate(params.clockHz),
        latency_mean_ms: cyclesToSeconds(rec.meanCycles(), params.clockHz) * 1e3,
        ...counterMetrics(bench.machine),
      },
      counters: counterTable(bench.machine),
      samples: rec.count,
      engine,
      notes: [...shared, ...flexscNotes(bench.system)],
    }
  }
}
