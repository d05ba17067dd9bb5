/**
 * The web-server workload files (workloads/mt-server.json, workloads/mp-server.json): one schema,
 * turned into a WebServerConfig for a point (clients, file size) and a mode (quick/full).
 */
import {z} from 'zod'
import {cachedWorkload} from './load.js'
import {byMode, count, header, pick, positive, positiveInt, sourced} from './schema.js'
import type {WebServerConfig} from './webserver.js'

export const webProfileSchema = z.strictObject(
  {
    ...header,
    port: sourced(positiveInt()),
    files: sourced(positiveInt()),
    requestBytes: sourced(positiveInt()),
    headerBytes: sourced(positiveInt()),
    io: sourced(z.enum(['read', 'sendfile'], {error: 'expected "read" or "sendfile"'})),
    chunkBytes: sourced(positiveInt()),
    instructionsPerCall: sourced(count()),
    clientThinkInstructions: sourced(count()),
    clientHosts: sourced(positiveInt()),
    maxThreads: sourced(positiveInt()),
    warmupMs: sourced(byMode(positive())),
    measureMs: sourced(byMode(positive())),
    gatePollUs: sourced(positive()),
    clientStartSpreadUs: sourced(count()),
    dataOffsetMaxKiB: sourced(count()),
    fileGapMaxKiB: sourced(count()),
  },
  {error: 'expected a workload object'},
)
export type WebProfile = z.infer<typeof webProfileSchema>

export type WebServerId = 'mt-server' | 'mp-server'
const loaders: Record<WebServerId, () => WebProfile> = {
  'mt-server': cachedWorkload('mt-server', webProfileSchema),
  'mp-server': cachedWorkload('mp-server', webProfileSchema),
}
/** workloads/<id>.json, read once per process. */
export function webProfile(id: WebServerId): WebProfile {
  return loaders[id]()
}

/**
 * `goodputBps` (the link's TCP goodput, bits/s): the warm-up lasts at least one round of the closed
 * loop (every client's response once through the wire) and the window at least ROUNDS_MEASURED.
 * Shorter, and with many clients sharing the wire every response is still in flight when the window
 * closes: the rate counts a transient (e.g. 1000 clients x 64 KiB: a round takes ~0.56 s at GigE,
 * the full window was 0.35 s with its warm-up). The clients start together, so completions come in
 * waves a round apart: a window of ~2 rounds counted 1000 x 16 KiB responses above the wire's rate.
 */
const ROUNDS_MEASURED = 4

export function webConfig(
  w: WebProfile,
  clockHz: number,
  quick: boolean,
  clients: number,
  fileBytes: number,
  goodputBps?: number,
): WebServerConfig {
  const ms = (v: number) => Math.round(v * 1e-3 * clockHz)
  const round = goodputBps ? Math.ceil(((clients * (fileBytes + w.headerBytes.value) * 8) / goodputBps) * clockHz) : 0
  return {
    port: w.port.value,
    files: w.files.value,
    fileBytes,
    requestBytes: w.requestBytes.value,
    headerBytes: w.headerBytes.value,
    io: w.io.value,
    chunkBytes: w.chunkBytes.value,
    instructionsPerCall: w.instructionsPerCall.value,
    clientThinkInstructions: w.clientThinkInstructions.value,
    clients,
    clientHosts: w.clientHosts.value,
    warmupCycles: Math.max(ms(pick(w.warmupMs.value, quick)), round),
    measureCycles: Math.max(ms(pick(w.measureMs.value, quick)), ROUNDS_MEASURED * round),
    gatePollCycles: ms(w.gatePollUs.value / 1000),
    clientStartSpreadCycles: ms(w.clientStartSpreadUs.value / 1000),
    layout: {offsetMaxBytes: w.dataOffsetMaxKiB.value * 1024, gapMaxBytes: w.fileGapMaxKiB.value * 1024},
  }
}
