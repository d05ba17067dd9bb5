/**
 * mp-server: the web server of mt-server as N single-threaded processes forked after listen
 * (Apache prefork). Under VirtuOS each process registers with both service domains (its own call
 * pages and worker groups; fork uses the pre-allocated slots), so coordination is per process.
 */
import {describePoint} from './claims.js'
import type {ClaimVerdict, ExperimentDef, ResultRow} from './types.js'
import {webServerPoint} from './web-server.js'

export const mpServer: ExperimentDef = {
  id: 'mp-server',
  title: 'Multiprocess (prefork) web server: requests/s and latency by processes and concurrency',
  reproduces: 'VirtuOS evaluation, macrobenchmarks: multiprocess applications (server workloads, network and storage)',
  claim:
    'VirtuOS outperforms isolated driver domains on multiprocess servers, while paying for decomposition against ' +
    'native Linux (each process has its own call pages and worker groups: copies and coordination)',
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
  systems: ['native', 'virtuos', 'flexsc', 'driver-domain'],
  metrics: [
    {
      name: 'requests_per_s',
      unit: 'req/s',
      better: 'higher',
      description: 'requests completed in the window per simulated second',
    },
    {
      name: 'latency_mean_ms',
      unit: 'ms',
      better: 'lower',
      description: "mean time from the client's connect to the last byte of the response",
    },
  ],
  claimCheck: virtuosVsDriverDomain,
  run: webServerPoint('mp-server', (point) => ({kind: 'processes', processes: Number(point.processes)})),
}

/** virtuos vs driver-domain on requests/s at every point both ran; vs native stated alongside. */
function virtuosVsDriverDomain(rows: readonly ResultRow[]): ClaimVerdict {
  const rps = rows.filter((r) => r.metric === 'requests_per_s')
  const key = (r: ResultRow) => JSON.stringify(r.params)
  const dd = new Map(rps.filter((r) => r.system === 'driver-domain').map((r) => [key(r), r.value]))
  const v = rps.filter((r) => r.system === 'virtuos')
  const ratios = v.map((r) => r.ratioVsNative).filter((x): x is number => x !== null)
  const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
  const vsNative = ratios.length > 0 ? `virtuos/native requests/s ${range}` : 'no native rows'
  const pairs = v.filter((r) => dd.has(key(r)))
  if (pairs.length === 0) return {holds: null, detail: `driver-domain was not run; ${vsNative}`}
  const losses = pairs.filter((r) => r.value <= dd.get(key(r))!)
  const notAt = losses.length > 0 ? ` (not at ${describePoint(losses[0].params)})` : ''
  const detail = `virtuos beats driver-domain at ${pairs.length - losses.length} of ${pairs.length} points${notAt}; ${vsNative}`
  return {holds: losses.length === 0, detail}
}
