/**
 * The least an engine must offer to run simulated threads and device models: the clock and a
 * timed callback. src/sim's Simulation is one; tests may bring a smaller one.
 */
export interface EventHost {
  readonly now: number
  /**
   * Run `action` at simulated time `time` (>= now). A host may order by `priority` (default 0)
   * and show `label` in traces (src/sim's Simulation does); simpler hosts ignore both.
   */
  at(time: number, action: () => void, priority?: number, label?: string): unknown
}
