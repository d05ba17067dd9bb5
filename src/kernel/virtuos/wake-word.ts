/**
 * The wake word of a service domain: one 64-bit word on the shared wake page of all its processes:
 * the running-worker count (bits 0-30), the sleeping-worker count (bits 31-61), WAKE_REQUESTED
 * (bit 62) and WAKE_IN_PROGRESS (bit 63).
 *
 * Protocol: workers set WAKE_REQUESTED when one of them goes to sleep (after 5000 empty polls, or
 * because enough workers already run). A submitter reads the word after pushing; only when
 * WAKE_REQUESTED is set and no wake is in progress does it claim WAKE_IN_PROGRESS (CAS) and send
 * the wake event channel. The domain's handler clears both bits and wakes sleeping workers that
 * have pending work; if sleepers remain it requests again.
 */
export const RUNNING_MASK = (1n << 31n) - 1n
export const SLEEPING_SHIFT = 31n
export const WAKE_REQUESTED = 1n << 62n
export const WAKE_IN_PROGRESS = 1n << 63n

export interface WakeFields {
  running: number
  sleeping: number
  requested: boolean
  inProgress: boolean
}

export function encodeWakeWord(f: WakeFields): bigint {
  return (
    (BigInt(f.running) & RUNNING_MASK) |
    ((BigInt(f.sleeping) & RUNNING_MASK) << SLEEPING_SHIFT) |
    (f.requested ? WAKE_REQUESTED : 0n) |
    (f.inProgress ? WAKE_IN_PROGRESS : 0n)
  )
}

export function decodeWakeWord(w: bigint): WakeFields {
  return {
    running: Number(w & RUNNING_MASK),
    sleeping: Number((w >> SLEEPING_SHIFT) & RUNNING_MASK),
    requested: (w & WAKE_REQUESTED) !== 0n,
    inProgress: (w & WAKE_IN_PROGRESS) !== 0n,
  }
}

/** The low 31 bits, as the word's count fields keep them (RUNNING_MASK on a number). */
const COUNT_BITS = 0x7fffffff

/**
 * The word's four fields kept unpacked (the hot path reads and writes them on every submit and
 * poll; BigInt arithmetic there cost ~5% of a VirtuOS web-server run); `value` packs them.
 */
export class WakeWord {
  private running = 0
  private sleeping = 0
  private requested = false
  private inProgress = false
  /** Wakes sent (submitter side) and wake requests raised (worker side). */
  wakesSent = 0
  requests = 0

  get fields(): WakeFields {
    return {running: this.running, sleeping: this.sleeping, requested: this.requested, inProgress: this.inProgress}
  }
  /** The running-worker count (the worker loop's test, without building `fields`). */
  get runningCount(): number {
    return this.running
  }
  get value(): bigint {
    return encodeWakeWord(this.fields)
  }

  /** A worker starts or stops running (polling or serving counts as running). */
  addRunning(delta: number): void {
    const running = this.running + delta
    if (running < 0) throw new RangeError('wake word: running count below 0')
    this.running = running & COUNT_BITS
  }

  addSleeping(delta: number): void {
    const sleeping = this.sleeping + delta
    if (sleeping < 0) throw new RangeError('wake word: sleeping count below 0')
    this.sleeping = sleeping & COUNT_BITS
  }

  /** A worker is going to sleep (or gave up polling): submitters must wake the domain. */
  request(): void {
    if (!this.requested) this.requests++
    this.requested = true
  }

  /** Submitter side, after pushing: true when this submitter must send the wake event (it claimed it). */
  claimWake(): boolean {
    if (!this.requested || this.inProgress) return false
    this.inProgress = true
    this.wakesSent++
    return true
  }

  /** Domain side, on the wake event: clear both bits (the handler then wakes sleepers). */
  wakeHandled(): void {
    this.requested = false
    this.inProgress = false
  }
}
