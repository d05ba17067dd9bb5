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

export class WakeWord {
  private word = 0n
  /** Wakes sent (submitter side) and wake requests raised (worker side). */
  wakesSent = 0
  requests = 0

  get fields(): WakeFields {
    return decodeWakeWord(this.word)
  }
  get value(): bigint {
    return this.word
  }

  private set(f: Partial<WakeFields>): void {
    this.word = encodeWakeWord({...this.fields, ...f})
  }

  /** A worker starts or stops running (polling or serving counts as running). */
  addRunning(delta: number): void {
    const running = this.fields.running + delta
    if (running < 0) throw new RangeError('wake word: running count below 0')
    this.set({running})
  }

  addSleeping(delta: number): void {
    const sleeping = this.fields.sleeping + delta
    if (sleeping < 0) throw new RangeError('wake word: sleeping count below 0')
    this.set({sleeping})
  }

  /** A worker is going to sleep (or gave up polling): submitters must wake the domain. */
  request(): void {
    if (!this.fields.requested) this.requests++
    this.set({requested: true})
  }

  /** Submitter side, after pushing: true when this submitter must send the wake event (it claimed it). */
  claimWake(): boolean {
    const f = this.fields
    if (!f.requested || f.inProgress) return false
    this.set({inProgress: true})
    this.wakesSent++
    return true
  }

  /** Domain side, on the wake event: clear both bits (the handler then wakes sleepers). */
  wakeHandled(): void {
    this.set({requested: false, inProgress: false})
  }
}
