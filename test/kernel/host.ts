/**
 * An event host for kernel tests: (time, sequence)-ordered callbacks on a binary heap. The kernel
 * needs only `now` + `at` from an engine (src/kernel/engine.ts); src/sim's Simulation provides the
 * same contract once it lands.
 */
import type {EventHost} from '../../src/machine/events.js'

interface Ev {
  time: number
  seq: number
  action: () => void
}

export class KernelTestHost implements EventHost {
  now = 0
  events = 0
  private seq = 0
  private readonly heap: Ev[] = []

  at(time: number, action: () => void): void {
    if (time < this.now) throw new Error(`event in the past: ${time} < ${this.now}`)
    const h = this.heap
    h.push({time, seq: this.seq++, action})
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (less(h[p], h[i])) break
      ;[h[p], h[i]] = [h[i], h[p]]
      i = p
    }
  }

  /** Run until no events are left, or until simulated time `until`. */
  run(until = Infinity): void {
    const h = this.heap
    while (h.length > 0 && h[0].time <= until) {
      const top = h[0]
      const last = h.pop()!
      if (h.length > 0) {
        h[0] = last
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          const r = l + 1
          let m = i
          if (l < h.length && less(h[l], h[m])) m = l
          if (r < h.length && less(h[r], h[m])) m = r
          if (m === i) break
          ;[h[m], h[i]] = [h[i], h[m]]
          i = m
        }
      }
      this.now = top.time
      this.events++
      top.action()
    }
    if (until !== Infinity && this.now < until) this.now = until
  }
}

function less(a: Ev, b: Ev): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}
