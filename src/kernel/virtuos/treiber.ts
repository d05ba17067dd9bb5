/**
 * A Treiber stack of entry indices, as the VirtuOS call pages use it (free stack, submitted stack):
 * the head is {index, stamp} and is replaced by one 16-byte CAS; the stamp grows on every change,
 * so a head that went X -> Y -> X in between is not mistaken for the one read (ABA).
 *
 * Operations are written as step generators: each `yield` separates two atomic memory operations,
 * so tests can interleave several actors step by step. `push`/`pop` run them to completion (the
 * simulation uses those: its actors do not preempt each other inside one).
 */

export const NIL = -1

export interface StampedIndex {
  readonly index: number
  readonly stamp: number
}

/** Drive a step generator to its end and return its value. */
export function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

export class TreiberStack {
  private head: StampedIndex = {index: NIL, stamp: 0}
  /** next[i]: the entry below i (the link word inside the entry). */
  readonly next: Int32Array
  casAttempts = 0
  casFailures = 0

  /** `stamped = false` compares the index only: the ABA-prone variant (for tests). */
  constructor(
    readonly capacity: number,
    readonly stamped = true,
  ) {
    this.next = new Int32Array(capacity).fill(NIL)
  }

  /** A stack holding 0..n-1, 0 on top (how the free stack starts). */
  static full(capacity: number, stamped = true): TreiberStack {
    const s = new TreiberStack(capacity, stamped)
    for (let i = capacity - 1; i >= 0; i--) s.push(i)
    return s
  }

  /** Atomic load of the head. */
  readHead(): StampedIndex {
    return this.head
  }

  /** The 16-byte CAS on the head. */
  cas(expected: StampedIndex, index: number): boolean {
    this.casAttempts++
    const same = this.head.index === expected.index && (!this.stamped || this.head.stamp === expected.stamp)
    if (!same) {
      this.casFailures++
      return false
    }
    this.head = {index, stamp: this.stamped ? expected.stamp + 1 : 0}
    return true
  }

  *pushSteps(i: number): Generator<void, void, void> {
    if (!(i >= 0 && i < this.capacity)) throw new RangeError(`entry ${i} outside 0..${this.capacity - 1}`)
    for (;;) {
      const h = this.readHead()
      yield
      this.next[i] = h.index
      yield
      if (this.cas(h, i)) return
      yield
    }
  }

  /** The popped index, or NIL when the stack was empty. */
  *popSteps(): Generator<void, number, void> {
    for (;;) {
      const h = this.readHead()
      if (h.index === NIL) return NIL
      yield
      const below = this.next[h.index]
      yield
      if (this.cas(h, below)) return h.index
      yield
    }
  }

  push(i: number): void {
    runSteps(this.pushSteps(i))
  }

  pop(): number {
    return runSteps(this.popSteps())
  }

  get empty(): boolean {
    return this.head.index === NIL
  }

  /** Indices from the top; stops after `capacity + 1` links so a corrupted (cyclic) stack shows. */
  contents(): number[] {
    const out: number[] = []
    for (let i = this.head.index; i !== NIL && out.length <= this.capacity; i = this.next[i]) out.push(i)
    return out
  }

  get size(): number {
    return this.contents().length
  }
}
