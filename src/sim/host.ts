/**
 * The least an engine must offer to run simulated threads and device models: the clock and a
 * timed callback. src/sim's Simulation is one; tests may bring a smaller one.
 */
export interface EventHost {
  readonly now: number
  /** Run `action` at simulated time `time` (>= now). */
  at(time: number, action: () => void): void
}
