/**
 * mp-server: the web server of mt-server as N single-threaded processes forked after listen
 * (Apache prefork). Under VirtuOS each process registers with both service domains (its own call
 * pages and worker groups; fork uses the pre-allocated slots), so coordination is per process.
 */
import {paysVsNative, versusClause} from './claims.js'
import type {ExperimentDef} from './types.js'
import {LATENCY_MEAN_MS, REQUESTS_PER_S, webServerPoint} from './web-server.js'
import {COUNTER_METRICS} from './counter-metrics.js'

export const mpServer: ExperimentDef = {
  id: 'mp-server',
  designSpace: {metric: 'requests_per_s', point: {processes: 8, clients: 256, file_bytes: 256}}, // most loaded quick point
  title: 'Multiprocess (prefork) web server: requests/s and latency by processes and concurrency',
  reproduces: 'VirtuOS evaluation, macrobenchmarks: multiprocess applications (server workloads, network and storage)',
  clauses: [
    versusClause({
      text: 'VirtuOS outperforms isolated driver domains on multiprocess servers: at least 5% more requests/s at every point',
      system: 'virtuos',
      other: 'driver-domain',
      metric: 'requests_per_s',
      margin: 0.05,
      where: 'every',
    }),
    paysVsNative({
      text:
        'while paying for decomposition against native Linux (each process has its own call pages and worker ' +
        'groups): at least 5% fewer requests/s than native at some point',
      system: 'virtuos',
      metric: 'requests_per_s',
      margin: 0.05,
    }),
  ],
  counts: 'requests',
  axes: [
    {
      name: 'processes',
      quick: [1, 8],
      full: [1, 2, 4, 8, 16, 32],
      unit: 'processes',
      description: 'prefork server processes',
    },
    {
      name: 'clients',
      quick: [16, 256],
      full: [1, 16, 64, 256, 1000],
      unit: 'connections',
      description: 'concurrent ab clients (closed loop, no keep-alive)',
    },
    {name: 'file_bytes', quick: [256], full: [256, 16384], unit: 'bytes', description: 'size of every served file'},
  ],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'],
  metrics: [REQUESTS_PER_S, LATENCY_MEAN_MS, ...COUNTER_METRICS],
  run: webServerPoint('mp-server', (point) => ({kind: 'processes', processes: Number(point.processes)})),
}
