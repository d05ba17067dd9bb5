/**
 * mt-server: a multithreaded static-file web server (a pool of threads blocking in accept, one per
 * client up to Apache's MaxRequestWorkers) under ab-like load from a client host, per concurrency
 * and file size. Under VirtuOS the sockets live in the network domain and the files in the storage
 * domain, so every call of a request but the library's is remote; the server's threads are M:N.
 */
import {NATIVE_CORES_AXIS, ownAllocation} from './allocation.js'
import {betterThanNative} from './claims.js'
import type {ExperimentDef} from './types.js'
import {LATENCY_MEAN_MS, REQUESTS_PER_S, webServerPoint} from './web-server.js'
import {COUNTER_METRICS} from './counter-metrics.js'

export const mtServer: ExperimentDef = {
  id: 'mt-server',
  designSpace: {metric: 'requests_per_s', point: {clients: 256, file_bytes: 16384, native_cores: 'all'}}, // most loaded quick point
  title: 'Multithreaded web server: requests/s and latency by concurrency and file size',
  reproduces:
    'VirtuOS evaluation, macrobenchmarks: multithreaded applications (a threaded server, network and storage)',
  clauses: [
    betterThanNative({
      text:
        'VirtuOS exceeds native Linux for a multithreaded server: at least 5% more requests/s at some client count ' +
        'above 1 (where the server runs more than one worker thread)',
      system: 'virtuos',
      metric: 'requests_per_s',
      margin: 0.05,
      // against native on its own allocation (native_cores=all), the comparison every other point makes
      at: (p) => Number(p.clients) > 1 && ownAllocation(p.native_cores),
    }),
  ],
  counts: 'requests',
  axes: [
    {
      name: 'clients',
      quick: [1, 16, 256],
      full: [1, 4, 16, 64, 256, 1000],
      unit: 'connections',
      description: 'concurrent ab clients (closed loop, no keep-alive)',
    },
    {
      name: 'file_bytes',
      quick: [256, 16384],
      full: [256, 1024, 4096, 16384, 65536],
      unit: 'bytes',
      description: 'size of every served file',
    },
    NATIVE_CORES_AXIS,
  ],
  // the allocation axis changes no dice: native on 8 or 4 cores sees the same clients and files
  seedAxes: ['clients', 'file_bytes'],
  // flexsc: one kernel, exceptionless calls through per-core syscall pages, no copies; its
  // syscall threads are placed as EXPERIMENT_FLEXSC says (workloads/common.ts: same-core, and why)
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver'],
  metrics: [REQUESTS_PER_S, LATENCY_MEAN_MS, ...COUNTER_METRICS],
  // one thread per client up to MaxRequestWorkers
  run: webServerPoint('mt-server', (point, w) => ({
    kind: 'threads',
    threads: Math.min(Number(point.clients), w.maxThreads.value),
  })),
}
