/**
 * The statistics the model needs: a nearest-rank quantile over recorded values (exact, no
 * bucketing, deterministic).
 */

/**
 * The q-quantile (0..1) of `values` by nearest rank: the smallest v such that at least q of the
 * values are <= v (q = 0 gives the minimum). 0 without values. Does not modify `values`.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}
