/**
 * What the device models need from the engine: the clock and a timed callback. Devices are not
 * simulated threads, so a callback is the natural shape; the kernel turns completions into engine
 * wake-ups. Any engine with `now` and a way to run an action at a time satisfies this.
 */
export interface EventHost {
  readonly now: number
  /** Run `action` at simulated time `time` (>= now). */
  at(time: number, action: () => void): void
}
