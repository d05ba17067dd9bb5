/** Run step generators (atomic steps between yields) in the order a schedule picks; then round robin. */
export function interleave(actors: Generator<void, unknown, void>[], schedule: readonly number[]): unknown[] {
  const results: unknown[] = new Array(actors.length)
  const live = actors.map((_, i) => i)
  let k = 0
  while (live.length > 0) {
    const pick = k < schedule.length ? schedule[k] % live.length : k % live.length
    k++
    const a = live[pick]
    const r = actors[a].next()
    if (r.done) {
      results[a] = r.value
      live.splice(pick, 1)
    }
  }
  return results
}
