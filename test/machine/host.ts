/** A minimal event host for device tests: (time, sequence)-ordered callbacks. */
import type {EventHost} from '../../src/machine/events.js'

export class TestHost implements EventHost {
  now = 0
  private seq = 0
  private events: {time: number; seq: number; action: () => void}[] = []

  at(time: number, action: () => void): void {
    if (time < this.now) throw new Error(`event in the past: ${time} < ${this.now}`)
    this.events.push({time, seq: this.seq++, action})
  }

  run(): void {
    while (this.events.length > 0) {
      this.events.sort((a, b) => a.time - b.time || a.seq - b.seq)
      const e = this.events.shift()!
      this.now = e.time
      e.action()
    }
  }
}
