/**
 * Every mechanism constant of the VirtuOS release R1.01 (the prototype of Nikolaev & Back,
 * "VirtuOS: an operating system with kernel virtualization", SOSP 2013) as a parameter with the
 * release's value as default, plus the few model estimates the release does not fix (marked
 * "estimate"). The estimates are profile constants (the profile's `virtuos` group, resolved into
 * MachineParams.virtuos: shown by `config show`, set with `--set virtuos.<key>=...`); experiments
 * override any parameter with `options.virtuos`.
 */
import {checkMechanismOverrides} from '../../config/schema.js'
import {UsageError} from '../../errors.js'
import type {CoreAllocation, MachineParams} from '../../machine/params.js'

export type ServiceDomain = 'storage' | 'network'
export const SERVICE_DOMAINS: readonly ServiceDomain[] = ['storage', 'network']

/** Physical cores of each domain's vCPUs (pinned 1:1). */
export interface CoreSplit {
  primary: number[]
  storage: number[]
  network: number[]
}

export interface VirtuosParams {
  /** Slots of the library's fd table (uClibc FD_SETSIZE-sized table). */
  fdTableSlots: number
  /** Call pages per (process, service domain). */
  callPages: number
  /** Bytes of one request entry (one cache line). */
  entryBytes: number
  /** Request entries per (process, service domain): 8 pages of 64-byte entries minus headers. */
  entriesPerProcess: number
  /** Largest data region per (process, service domain), pages (8192 pages = 32 MiB). */
  dataRegionMaxPages: number
  /** The data region grows by at most this many page grants per request to the service domain. */
  dataGrowBatchGrants: number
  pageBytes: number
  /** Large reads/writes are cut into chunks of this many bytes. */
  transferChunkBytes: number
  /** Pages of the per-process ready queue. */
  readyQueuePages: number
  /** Thread entries of the per-process ready queue. */
  readyQueueEntries: number
  /** Process slots pre-allocated per service domain (fork does not wait for grant set-up). */
  preallocatedSlots: number
  /** M:N kernel threads per process. */
  kthreadsPerProcess: number
  /** Upper bound the library accepts for kthreadsPerProcess. */
  kthreadsMax: number
  /** `pause` iterations a kernel thread spins (on the ready queue or an entry) before blocking. */
  spinIterations: number
  /** Empty polls of the submitted stack before a worker sets WAKE_REQUESTED. */
  emptyPollsBeforeWake: number
  /** Workers kept polling per domain: MIN_RUNNING_THREADS = the domain's vCPUs (null = that). */
  minRunningThreads: number | null
  /** Event channels per service domain: main, ring, disconnect, wake. */
  eventChannelsPerDomain: number
  /** Restart delay after a service-domain crash (the release's tool waits 3 s), ns. */
  restartDelayNs: number
  /** Core split; null = the profile's (see profileCoreSplit). */
  cores: CoreSplit | null
  /** Profile (virtuos.libraryCallInstructions, estimate): library user-mode instructions per call. */
  libraryCallInstructions: number
  /** Profile (virtuos.pollInstructions, estimate): one worker poll iteration besides its sched_yield trap. */
  pollInstructions: number
  /** Profile (virtuos.registerInstructions, estimate): registering a process beyond grant mapping. */
  registerInstructions: number
  /** Profile (virtuos.forkDupInstructionsPerFd, estimate): per fd duplicated when a forked child registers. */
  forkDupInstructionsPerFd: number
}

/** The parameters whose defaults are the release's values (the rest come from the profile). */
export type VirtuosReleaseParams = Omit<VirtuosParams, keyof MachineParams['virtuos']>

export const defaultVirtuosParams: VirtuosReleaseParams = {
  fdTableSlots: 1024,
  callPages: 8,
  entryBytes: 64,
  entriesPerProcess: 454,
  dataRegionMaxPages: 8192,
  dataGrowBatchGrants: 80,
  pageBytes: 4096,
  transferChunkBytes: 4 * 1024 * 1024,
  readyQueuePages: 8,
  readyQueueEntries: 1362,
  preallocatedSlots: 8,
  kthreadsPerProcess: 18,
  kthreadsMax: 1024,
  spinIterations: 4000,
  emptyPollsBeforeWake: 5000,
  minRunningThreads: null,
  eventChannelsPerDomain: 4,
  restartDelayNs: 3_000_000_000,
  cores: null,
}

/**
 * The split the profile gives (group `cores`: virtuosPrimary, virtuosStorage, virtuosNetwork),
 * consecutive from core 0. On the 8-core, 2-socket E5520 box the profile's 4 + 2 + 2 puts the
 * primary on socket 0 (cores 0-3, the applications), storage on 4-5 and network on 6-7 (socket 1),
 * so request/response cache lines cross the socket link. Native Linux runs its applications on
 * all 8 cores (cores.nativeApplication), not on 4: the comparison gives VirtuOS's applications half
 * the cores native's get, and the report states it.
 */
export function profileCoreSplit(allocation: CoreAllocation): CoreSplit {
  const {virtuosPrimary: p, virtuosStorage: s, virtuosNetwork: n} = allocation
  const range = (from: number, count: number) => Array.from({length: count}, (_, i) => from + i)
  return {primary: range(0, p), storage: range(p, s), network: range(p + s, n)}
}

/**
 * Merge the release defaults, the profile's constants and the overrides (in that order) and check
 * them: the profile's keys by its spec table, the release's here; bad values are the user's to fix.
 */
export function resolveVirtuosParams(
  machine: Pick<MachineParams, 'cores' | 'coreAllocation'>,
  profile: MachineParams['virtuos'],
  overrides: Partial<VirtuosParams> = {},
): VirtuosParams & {cores: CoreSplit} {
  checkMechanismOverrides('virtuos', overrides)
  const p: VirtuosParams = {...defaultVirtuosParams, ...profile, ...overrides}
  for (const [key, value] of Object.entries(p)) {
    if (Object.hasOwn(profile, key)) continue
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError(`virtuos.${key}: found ${value}, expected a finite number >= 0`)
    }
  }
  const counts = [
    'entriesPerProcess',
    'readyQueueEntries',
    'kthreadsPerProcess',
    'dataGrowBatchGrants',
    'transferChunkBytes',
    'fdTableSlots',
  ] as const
  for (const key of counts) {
    if (!Number.isInteger(p[key]) || p[key] < 1) {
      throw new UsageError(`virtuos.${key}: found ${p[key]}, expected an integer >= 1`)
    }
  }
  if (p.kthreadsPerProcess > p.kthreadsMax) {
    throw new UsageError(`virtuos.kthreadsPerProcess: found ${p.kthreadsPerProcess}, expected at most ${p.kthreadsMax}`)
  }
  const cores = p.cores ?? profileCoreSplit(machine.coreAllocation)
  checkSplit(cores, machine.cores)
  return {...p, cores}
}

function checkSplit(split: CoreSplit, machineCores: number): void {
  const seen = new Set<number>()
  for (const domain of ['primary', 'storage', 'network'] as const) {
    const list = split[domain]
    if (!Array.isArray(list) || list.length === 0) {
      throw new UsageError(`virtuos.cores.${domain}: found no cores, expected at least one`)
    }
    for (const c of list) {
      if (!Number.isInteger(c) || c < 0 || c >= machineCores) {
        throw new UsageError(`virtuos.cores.${domain}: found core ${c}, expected 0..${machineCores - 1}`)
      }
      if (seen.has(c)) throw new UsageError(`virtuos.cores.${domain}: core ${c} is given to two domains`)
      seen.add(c)
    }
  }
}
