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

/** Two-sided 95% Student t quantiles (t_{0.975, df}) for df = 1..30; beyond, the normal's 1.96 is within 2%. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`studentT975(${df}): expected an integer df >= 1`)
  return df <= T975.length ? T975[df - 1] : 1.96
}

/** The mean of replicates and its 95% confidence interval (Student t, n - 1 degrees of freedom). */
export interface MeanInterval {
  mean: number
  low: number
  high: number
  n: number
}

/**
 * Mean and 95% interval of `values` (in their order, so the same values give the same bits). One
 * value, or values that all agree, give an interval of zero width: nothing varied.
 */
export function meanCi95(values: readonly number[]): MeanInterval {
  const n = values.length
  if (n === 0) throw new RangeError('meanCi95: no values')
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / n
  if (n === 1 || values.every((v) => v === values[0])) return {mean: values[0], low: values[0], high: values[0], n}
  let squares = 0
  for (const v of values) squares += (v - mean) * (v - mean)
  const half = studentT975(n - 1) * Math.sqrt(squares / (n - 1) / n)
  return {mean, low: mean - half, high: mean + half, n}
}
