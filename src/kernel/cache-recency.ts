/**
 * Whether page-cache data a copy touches is still in the CPU caches. Page-cache pages are in
 * memory, not necessarily in the caches: a copy runs at the in-cache rate only for pages copied
 * recently enough on the same socket; the rest stream from memory.
 *
 * Recency is counted in bytes, as an LRU cache of the socket's L3 size would see it: each socket
 * has a clock that every kernel copy on it advances by twice its size (source and destination
 * lines both take cache space), and a page remembers the socket and clock of its last copy. A page
 * is resident for a copy of `bytes` if it was last copied on that socket and the bytes streamed
 * since, plus `bytes` (on average half of the copy's own 2 x bytes has gone through the caches
 * when a page is reached), fit in the L3.
 *
 * Simplifications: only kernel copies advance the clock (user computation and other cores'
 * misses do not); DMA from the disk does not fill the caches (no DDIO on Nehalem), so pages just
 * read or newly allocated are cold; a page last copied on the other socket counts as cold.
 * All kernels of one machine share its clocks (VirtuOS domains run on the same sockets).
 */
import {cacheResidentBytes} from '../machine/copy.js'
import type {MachineParams} from '../machine/params.js'

/** Where and when a page was last copied by a CPU (socket -1: never). */
export interface CacheTouch {
  touchSocket: number
  touchClock: number
}

export class CacheRecency {
  private readonly clocks: number[]
  readonly capacityBytes: number

  constructor(params: MachineParams) {
    this.clocks = new Array<number>(Math.max(1, params.sockets)).fill(0)
    this.capacityBytes = cacheResidentBytes(params)
  }

  /** Bytes that have gone through `socket`'s caches so far. */
  clock(socket: number): number {
    return this.clocks[socket] ?? 0
  }

  /** A copy of `bytes` ran on `socket`. */
  streamed(socket: number, bytes: number): void {
    if (socket < this.clocks.length) this.clocks[socket] += 2 * bytes
  }

  /** Whether a page is still cached for a copy of `bytes` starting now on `socket`. */
  resident(socket: number, page: CacheTouch, bytes: number): boolean {
    return page.touchSocket === socket && this.clock(socket) - page.touchClock + bytes <= this.capacityBytes
  }

  /** Record that a copy on `socket`, already streamed, touched `page`. */
  touch(socket: number, page: CacheTouch): void {
    page.touchSocket = socket
    page.touchClock = this.clock(socket)
  }
}

const shared = new WeakMap<object, CacheRecency>()

/** The recency clocks of a machine (one per kernel when there is no machine: client hosts). */
export function cacheRecencyOf(machine: object | null, params: MachineParams): CacheRecency {
  if (!machine) return new CacheRecency(params)
  let r = shared.get(machine)
  if (!r) shared.set(machine, (r = new CacheRecency(params)))
  return r
}
