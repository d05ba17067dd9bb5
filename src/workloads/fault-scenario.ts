/**
 * One fault scenario: two workloads run together on one system, one using only the storage domain
 * and one only the network domain: the file server and the request service of faults.ts (request
 * loops, `shape.transfers` absent), or the bulk transfers of bulk-transfer.ts (a large file read and
 * a remote download, `shape.transfers` given). At `crashAtCycles` one service domain crashes; it
 * comes back `restartDelayCycles` later.
 * A design with service domains must offer `crashDomain(domain, atCycles, delayCycles)` on its
 * backend (VirtuOS and driver-domain do), and may say with `crashScope(domain)` which devices go
 * down with that domain (default: its own; a driver domain holds both). A design without them
 * (native) cannot run the scenario: a crash of its storage or network stack is a kernel panic that
 * takes the whole machine, whose reboot (firmware and boot, tens of seconds at least) does not fit
 * in the observation window, so there would be nothing to measure.
 *
 * Randomness: the clients connect at offsets from the 'client-start' stream, and the crash instant
 * is the nominal time plus a jitter from the 'fault-crash-time' stream (crashInstant): where the
 * crash lands in the workloads' request cycles (mid-request, between requests) varies with the seed.
 */
import {InvariantError} from '../errors.js'
import type {System} from '../kernel/systems.js'
import type {MachineParams} from '../machine/params.js'
import type {EngineStats} from '../sim/index.js'
import {createRng} from '../sim/rng.js'
import {CLIENT_START_STREAM, startOffsets} from './clients.js'
import {buildBench, type Bench} from './common.js'
import {download, fileRead} from './bulk-transfer.js'
import {fileServer, requestService, type CallLedger} from './faults.js'
import {STORAGE_DIR} from './micro.js'
import {preloadFile} from './storage.js'

export const FAULT_DOMAINS = ['storage', 'network'] as const
export type FaultDomain = (typeof FAULT_DOMAINS)[number]

/** The workload shapes (workloads/fault-recovery.json). */
export interface FaultWorkloadShape {
  fileThreads: number
  fileBytes: number
  blockBytes: number
  fileThinkInstructions: number
  netClients: number
  requestBytes: number
  responseBytes: number
  serverInstructions: number
  clientThinkInstructions: number
  retryCycles: number
  port: number
  /** The network clients connect within this long of the server first listening (uniform). */
  clientStartSpreadCycles: number
  /** Run the bulk transfers instead of the request loops (the fields above they use: retry, port, spread). */
  transfers?: TransferShape
}

/** The bulk transfers' shape (workloads/fault-recovery.json, transfer* and stream*). */
export interface TransferShape {
  /** The file the storage transfer reads, on disk and not cached at the start. */
  fileBytes: number
  readBytes: number
  /** The object the remote client downloads; the server's write and the client's read size. */
  streamBytes: number
  writeBytes: number
  recvBytes: number
  requestBytes: number
}

/** The file the storage transfer reads. */
export const TRANSFER_FILE = `${STORAGE_DIR}/transfer`

export interface FaultScenario {
  shape: FaultWorkloadShape
  domain: FaultDomain
  crashAtCycles: number
  restartDelayCycles: number
  /** Workloads start no new work from here on. */
  endCycles: number
}

export interface FaultScenarioResult {
  files: CallLedger
  netServer: CallLedger
  netClients: CallLedger
  /** Both workloads ran to their end. */
  finished: boolean
  /** The devices the crash took down (storage, network): the workloads using them depend on the crashed domain. */
  scope: readonly FaultDomain[]
  /** When any stack (the system's kernels, the client hosts) sent a TCP segment again, in order. */
  retransmitTimes: number[]
  /** Block requests issued again after the crash (driver-domain's blkfront; 0 where there is none). */
  reissuedBlockRequests: number
  /** Bulk transfers only: passes the file read made to the file's end (0: the file outlasted the run). */
  filePasses: number
  /** Bulk transfers only: connections the download client opened (1: it never reconnected). */
  downloadConnections: number
  engine: EngineStats
}

type CrashFn = (domain: FaultDomain, atCycles: number, restartDelayCycles: number) => void

/** The backend's crashDomain, if the design has service domains that can crash on their own. */
/** The stream of the crash jitter (one draw per scenario). */
export const CRASH_STREAM = 'fault-crash-time'

/**
 * When the crash happens: `nominalCycles` plus a jitter uniform in [0, jitterCycles], drawn from the
 * run seed's 'fault-crash-time' stream (the same draw as `sim.rng(CRASH_STREAM)` of that run, so a
 * caller can place its windows before building the simulation). Only later, never earlier: the
 * pre-crash window stays free of the crash.
 */
export function crashInstant(seed: number, nominalCycles: number, jitterCycles: number): number {
  if (!Number.isSafeInteger(jitterCycles) || jitterCycles < 0) {
    throw new RangeError(`crashInstant: jitter ${jitterCycles}: expected integer cycles >= 0`)
  }
  return nominalCycles + createRng(seed, CRASH_STREAM).int(0, jitterCycles)
}

export function domainCrasher(system: System): CrashFn | null {
  const b = system.backend as {crashDomain?: unknown}
  return typeof b.crashDomain === 'function' ? (b.crashDomain as CrashFn).bind(b) : null
}

/** The devices a crash of `domain` takes down: the backend's crashScope, else the domain's own. */
export function crashScope(system: System, domain: FaultDomain): readonly FaultDomain[] {
  const b = system.backend as {crashScope?: (d: FaultDomain) => readonly FaultDomain[]}
  return typeof b.crashScope === 'function' ? b.crashScope(domain) : [domain]
}

/** The stacks' retransmission times, merged in time order. */
function retransmitTimes(system: System): number[] {
  const kernels = [...system.kernels, ...system.clients.hosts.map((h) => h.kernel)]
  return kernels.flatMap((k) => k.net.retransmitTimes).sort((a, b) => a - b)
}

/** Block requests issued again after the crash (driver-domain's blkfront, a multiserver file server), if any. */
function reissuedBlockRequests(system: System): number {
  const b = system.backend as {outage?: {reissuedBlkRequests?: number}; stats?: {reissuedBlockRequests?: number}}
  return b.outage?.reissuedBlkRequests ?? b.stats?.reissuedBlockRequests ?? 0
}

/** Cycles the run may go on after `endCycles` for the last retries and exits to finish. */
export function graceCycles(s: FaultScenario): number {
  return 20 * s.shape.retryCycles
}

export function runFaultScenario(
  seed: number,
  params: MachineParams,
  systemName: string,
  s: FaultScenario,
): FaultScenarioResult {
  const bench = buildBench(seed, params, systemName, {clientHosts: 1})
  const run = s.shape.transfers ? startTransfers(bench, s, s.shape.transfers) : startRequestLoops(bench, s)
  const system = bench.system
  const crash = domainCrasher(system)
  if (!crash) {
    throw new InvariantError(
      `${systemName}: the backend has no crashDomain(domain, atCycles, delayCycles); the fault scenario cannot inject the crash`,
    )
  }
  crash(s.domain, s.crashAtCycles, s.restartDelayCycles)
  // the dirty-page flusher's 30 s timers would keep an open-ended run going long after the workloads ended
  const finished = run.finished
  let engine = bench.sim.run({until: s.endCycles + graceCycles(s), maxEvents: 100_000_000})
  // a call still waiting (a TCP retransmission backed off past the end) is given as long again as
  // the run watched the crash, so that its recovery is seen rather than censored
  const cap = s.endCycles + (s.endCycles - s.crashAtCycles)
  while (!finished() && bench.sim.now < cap) {
    engine = bench.sim.run({until: Math.min(cap, bench.sim.now + graceCycles(s)), maxEvents: 100_000_000})
  }
  system.checkInvariants()
  return {
    files: run.files,
    netServer: run.netServer,
    netClients: run.netClients,
    finished: finished(),
    filePasses: run.filePasses(),
    downloadConnections: run.downloadConnections(),
    scope: crashScope(system, s.domain),
    retransmitTimes: retransmitTimes(system),
    reissuedBlockRequests: reissuedBlockRequests(system),
    engine,
  }
}

/** The two workloads of a scenario, started on the bench. */
interface Started {
  files: CallLedger
  netServer: CallLedger
  netClients: CallLedger
  finished: () => boolean
  filePasses: () => number
  downloadConnections: () => number
}

/** The request loops: the file server and the request service with its clients (faults.ts). */
function startRequestLoops(bench: Bench, s: FaultScenario): Started {
  const w = s.shape
  const files = fileServer({
    threads: w.fileThreads,
    fileBytes: w.fileBytes,
    blockBytes: w.blockBytes,
    thinkInstructions: w.fileThinkInstructions,
    retryCycles: w.retryCycles,
    endCycles: s.endCycles,
  })
  const net = requestService({
    clients: w.netClients,
    port: w.port,
    requestBytes: w.requestBytes,
    responseBytes: w.responseBytes,
    serverInstructions: w.serverInstructions,
    clientThinkInstructions: w.clientThinkInstructions,
    retryCycles: w.retryCycles,
    endCycles: s.endCycles,
    pollCycles: w.retryCycles,
  })
  const system = bench.system
  system.spawnProcess(files.program, 'file-server')
  system.spawnProcess(net.server, 'net-server')
  const offsets = startOffsets(bench.sim.rng(CLIENT_START_STREAM), w.netClients, w.clientStartSpreadCycles)
  for (let i = 0; i < w.netClients; i++) system.clients.spawn(0, net.client(i, offsets[i]), `client-${i}`)
  return {
    files: files.ledger,
    netServer: net.ledger,
    netClients: net.clientLedger,
    finished: () => files.finished() && net.finished(),
    filePasses: () => 0,
    downloadConnections: () => 0,
  }
}

/** The bulk transfers: a large file read on /storage and a remote client's download (bulk-transfer.ts). */
function startTransfers(bench: Bench, s: FaultScenario, t: TransferShape): Started {
  const w = s.shape
  const system = bench.system
  preloadFile(system, TRANSFER_FILE, t.fileBytes)
  const file = fileRead({
    path: TRANSFER_FILE,
    fileBytes: t.fileBytes,
    bufferBytes: t.readBytes,
    retryCycles: w.retryCycles,
    endCycles: s.endCycles,
  })
  const net = download({
    port: w.port,
    streamBytes: t.streamBytes,
    writeBytes: t.writeBytes,
    readBytes: t.recvBytes,
    requestBytes: t.requestBytes,
    retryCycles: w.retryCycles,
    endCycles: s.endCycles,
    pollCycles: w.retryCycles,
  })
  system.spawnProcess(file.program, 'file-read')
  system.spawnProcess(net.server, 'stream-server')
  const [offset] = startOffsets(bench.sim.rng(CLIENT_START_STREAM), 1, w.clientStartSpreadCycles)
  system.clients.spawn(0, net.client(offset), 'download-client')
  return {
    files: file.ledger,
    netServer: net.ledger,
    netClients: net.clientLedger,
    finished: () => file.finished() && net.finished(),
    filePasses: file.passes,
    downloadConnections: net.connections,
  }
}
