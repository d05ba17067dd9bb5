/**
 * A physical core: held by at most one simulated thread at a time (the kernel's scheduler decides
 * who), with the state the cost model reads: which address space and which domain (vCPU) run on
 * it, how polluted its caches are for the current user working set, which handlers' lines it
 * holds. Ids are opaque: the machine knows no OS.
 */
import {InvariantError} from '../errors.js'
import {type CoreCacheState, cleanCacheState} from './indirect.js'
import {KernelWorkingSet} from './kernel-locality.js'
import type {MachineParams} from './params.js'
import {type CoreId, socketOf} from './topology.js'

export class Core {
  readonly socket: number
  occupant: unknown = null
  addressSpace: unknown = null
  domain: unknown = null
  cacheState: CoreCacheState = cleanCacheState()
  /** The handlers' code and data resident here (kernel-locality.ts); survives context switches. */
  readonly kernelSet = new KernelWorkingSet()
  busyCycles = 0

  constructor(
    params: MachineParams,
    readonly id: CoreId,
  ) {
    this.socket = socketOf(params, id)
  }

  claim(occupant: unknown): void {
    if (this.occupant !== null && this.occupant !== occupant) {
      throw new InvariantError(`core ${this.id} is already held`)
    }
    this.occupant = occupant
  }

  release(occupant: unknown): void {
    if (this.occupant !== occupant)
      throw new InvariantError(`core ${this.id} released by a thread that does not hold it`)
    this.occupant = null
  }

  /**
   * Load a new context. Returns whether the address space changed. A different address space (or
   * domain) brings another working set: the pollution state restarts clean for it (its own
   * displacement by the previous context is charged as that switch's footprint by the caller).
   */
  switchTo(addressSpace: unknown, domain: unknown): boolean {
    const changed = addressSpace !== this.addressSpace || domain !== this.domain
    if (changed) this.cacheState = cleanCacheState()
    this.addressSpace = addressSpace
    this.domain = domain
    return changed
  }
}
