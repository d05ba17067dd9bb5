/**
 * A Xen shared I/O ring between a frontend (guest) and a backend (driver domain): a fixed number
 * of request slots, producer indices on shared cache lines, and event-channel notifications that
 * are sent only when the other side may be asleep (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: the
 * backend, still working through the ring, is not notified again). Requests that find no free
 * slot wait in the frontend, in order.
 */
import {InvariantError} from '../../errors.js'
import type {MachineParams} from '../../machine/params.js'
import {CacheLine} from '../virtuos/cache-line.js'

export class SplitRing {
  inFlight = 0
  /** Requests that found the ring full, waiting for slots. */
  private readonly waiting: {slots: number; go: () => void}[] = []
  /** The request producer index (front writes, back reads) and the response producer (back writes). */
  readonly reqLine: CacheLine
  readonly rspLine: CacheLine
  /** The backend is processing (a notification now would be redundant). */
  backendBusy = 0
  fullWaits = 0

  constructor(
    params: MachineParams,
    readonly name: string,
    readonly slots: number,
  ) {
    this.reqLine = new CacheLine(params)
    this.rspLine = new CacheLine(params)
  }

  /** Take `slots` slots (capped at the ring size) and run `go`, now or once they are free. */
  acquire(slots: number, go: () => void): void {
    const n = Math.min(slots, this.slots)
    if (this.waiting.length === 0 && this.inFlight + n <= this.slots) {
      this.inFlight += n
      go()
      return
    }
    this.fullWaits++
    this.waiting.push({slots: n, go})
  }

  release(slots: number): void {
    const n = Math.min(slots, this.slots)
    this.inFlight -= n
    if (this.inFlight < 0) throw new InvariantError(`${this.name} ring: more slots released than taken`)
    while (this.waiting.length > 0 && this.inFlight + this.waiting[0].slots <= this.slots) {
      const w = this.waiting.shift()!
      this.inFlight += w.slots
      w.go()
    }
  }

  /**
   * The ring is torn down (its backend crashed): slots in flight and requests waiting for one are
   * forgotten. Returns how many slots they held or asked for.
   */
  reset(): number {
    const lost = this.inFlight + this.waiting.reduce((n, w) => n + w.slots, 0)
    this.inFlight = 0
    this.backendBusy = 0
    this.waiting.length = 0
    return lost
  }

  get queued(): number {
    return this.waiting.length
  }

  check(quiescent: boolean): void {
    if (this.inFlight < 0 || this.inFlight > this.slots) {
      throw new InvariantError(`${this.name} ring: ${this.inFlight} slots in flight of ${this.slots}`)
    }
    if (quiescent && (this.inFlight !== 0 || this.waiting.length > 0)) {
      throw new InvariantError(
        `${this.name} ring: ${this.inFlight} slots in flight, ${this.waiting.length} requests waiting with no thread left`,
      )
    }
  }
}
