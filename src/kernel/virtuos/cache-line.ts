/**
 * Where a shared cache line (a stack head, a queue tail, a request entry, the wake word) was last
 * written, so that the next access from another core pays the machine's line-transfer cost
 * (same-socket vs cross-socket) and a CAS pays LOCK CMPXCHG on top. Reads by a core that already
 * shares the line are free until someone writes it.
 */
import {lineTransfer} from '../../machine/cost.js'
import type {MachineParams} from '../../machine/params.js'

export class CacheLine {
  private owner: number | null = null
  private readonly sharers = new Set<number>()
  transfers = 0

  constructor(private readonly params: MachineParams) {}

  read(core: number): number {
    if (this.owner === null || this.owner === core || this.sharers.has(core)) {
      this.sharers.add(core)
      return 0
    }
    this.sharers.add(core)
    this.transfers++
    return lineTransfer(this.params, this.owner, core)
  }

  write(core: number): number {
    const cost =
      this.owner !== null && this.owner !== core && !this.sharers.has(core)
        ? lineTransfer(this.params, this.owner, core)
        : 0
    if (cost > 0) this.transfers++
    // a shared copy still has to be upgraded when another core wrote last
    const upgrade =
      cost === 0 && this.owner !== null && this.owner !== core ? lineTransfer(this.params, this.owner, core) : 0
    if (upgrade > 0) this.transfers++
    this.owner = core
    this.sharers.clear()
    this.sharers.add(core)
    return cost + upgrade
  }

  /** LOCK CMPXCHG/XCHG: ownership of the line plus the locked instruction. */
  atomic(core: number): number {
    return this.params.interconnect.casUncontended + this.write(core)
  }

  get lastWriter(): number | null {
    return this.owner
  }
}
