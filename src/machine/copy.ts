/**
 * memcpy cost. A warm buffer that fits in the cache copies at the in-cache bandwidth; otherwise the
 * copy streams from memory at the smaller of the core's bandwidth and its share of the socket's;
 * when source and destination sit on different sockets the QPI link (shared by the copiers that
 * cross it) caps it too. No fixed startup cost: no
 * measured per-call memcpy startup figure for this machine was found.
 */
import {InvariantError} from '../errors.js'
import type {Cycles} from './cost.js'
import type {MachineParams} from './params.js'

export interface CopySpec {
  /** The source was touched recently by the copying core (it is in that core's caches). */
  warm: boolean
  srcSocket: number
  dstSocket: number
  /** Copies streaming on the same socket at the same time (including this one); default 1. */
  concurrentCopiers?: number
}

/** Largest buffer that stays cache resident for the copying core: its socket's L3 (inclusive). */
export function cacheResidentBytes(params: MachineParams): number {
  return Math.max(params.cache.l2Bytes, params.cache.l3BytesPerSocket)
}

/** Effective bandwidth of one copy, bytes per cycle. */
export function copyBandwidth(params: MachineParams, bytes: number, spec: CopySpec): number {
  const sharers = spec.concurrentCopiers ?? 1
  if (!(sharers >= 1)) throw new InvariantError(`concurrentCopiers must be >= 1, got ${sharers}`)
  const c = params.copy
  const inCache = spec.warm && bytes <= cacheResidentBytes(params)
  let bw = inCache
    ? c.inCacheBytesPerCycle
    : Math.min(c.memoryBytesPerCyclePerCore, c.memoryBytesPerCyclePerSocket / sharers)
  if (spec.srcSocket !== spec.dstSocket) bw = Math.min(bw, c.crossSocketBytesPerCycle / sharers)
  return bw
}

/** Cycles to copy `bytes`. */
export function copy(params: MachineParams, bytes: number, spec: CopySpec): Cycles {
  if (!Number.isFinite(bytes) || bytes < 0) throw new InvariantError(`copy of ${bytes} bytes`)
  if (bytes === 0) return 0
  return Math.ceil(bytes / copyBandwidth(params, bytes, spec))
}
