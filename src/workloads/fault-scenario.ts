/**
 * One fault scenario: the file server and the request service of faults.ts run together on one
 * system; at `crashAtCycles` one service domain crashes and comes back `restartDelayCycles` later.
 * A design with service domains must offer `crashDomain(domain, atCycles, delayCycles)` on its
 * backend (VirtuOS does). A design without them (native) has one kernel: a crash of its storage or
 * network stack is a kernel crash, so the scenario stops the whole machine at the crash time and
 * whatever was in flight is never answered.
 */
import {InvariantError} from '../errors.js'
import type {System} from '../kernel/systems.js'
import type {MachineParams} from '../machine/params.js'
import type {EngineStats} from '../sim/index.js'
import {buildBench} from './common.js'
import {fileServer, requestService, type CallLedger} from './faults.js'

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
}

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
  /** The whole machine went down at the crash (no service domains to contain it). */
  machineDown: boolean
  /** Both workloads ran to their end (false after a machine crash). */
  finished: boolean
  engine: EngineStats
}

type CrashFn = (domain: FaultDomain, atCycles: number, restartDelayCycles: number) => void

/** The backend's crashDomain, if the design has service domains that can crash on their own. */
export function domainCrasher(system: System): CrashFn | null {
  const b = system.backend as {crashDomain?: unknown}
  return typeof b.crashDomain === 'function' ? (b.crashDomain as CrashFn).bind(b) : null
}

/** Designs with one kernel for everything: a crash of any of its parts is the machine's. */
const SINGLE_KERNEL = new Set(['native'])

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
  const w = s.shape
  const bench = buildBench(seed, params, systemName, {clientHosts: 1})
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
  for (let i = 0; i < w.netClients; i++) system.clients.spawn(0, net.client(i), `client-${i}`)

  const crash = domainCrasher(system)
  const machineDown = SINGLE_KERNEL.has(systemName)
  if (!machineDown && !crash) {
    throw new InvariantError(
      `${systemName}: the backend has no crashDomain(domain, atCycles, delayCycles); the fault scenario cannot inject the crash`,
    )
  }
  crash?.(s.domain, s.crashAtCycles, s.restartDelayCycles)
  // a machine crash: nothing runs after it (the dirty-page flusher's 30 s timers would otherwise
  // keep an open-ended run going long after the workloads ended)
  const until = machineDown ? s.crashAtCycles : s.endCycles + graceCycles(s)
  const engine = bench.sim.run({until, maxEvents: 100_000_000})
  const finished = files.finished() && net.finished()
  if (!machineDown) system.checkInvariants()
  return {files: files.ledger, netServer: net.ledger, netClients: net.clientLedger, machineDown, finished, engine}
}
