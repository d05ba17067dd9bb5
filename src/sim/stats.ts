/**
 * Statistics a model collects: counters, time-weighted averages of a level (queue length,
 * busy CPUs), and histograms with percentiles. All deterministic: no sampling, no host time.
 */
import type {Cycles, Simulation} from './simulation.js'

export class Counter {
  value = 0
  inc(n = 1): void {
    this.value += n
  }
  reset(): void {
    this.value = 0
  }
}

/** The time-weighted average of a level that changes at simulated instants. */
export class TimeWeighted {
  private area = 0
  private last: Cycles
  private readonly start: Cycles
  private current: number
  min: number
  max: number

  constructor(
    private readonly sim: Simulation,
    initial = 0,
  ) {
    this.start = this.last = sim.now
    this.current = this.min = this.max = initial
  }

  get level(): number {
    return this.current
  }

  set(level: number): void {
    const now = this.sim.now
    this.area += this.current * (now - this.last)
    this.last = now
    this.current = level
    if (level < this.min) this.min = level
    if (level > this.max) this.max = level
  }

  add(delta: number): void {
    this.set(this.current + delta)
  }

  /** Average level from creation to now; the current level if no time has passed. */
  mean(): number {
    const now = this.sim.now
    const span = now - this.start
    if (span <= 0) return this.current
    return (this.area + this.current * (now - this.last)) / span
  }
}

/** Values kept exactly up to this many; beyond, log buckets. */
const EXACT_LIMIT = 4096
/** Relative accuracy of a bucket's representative value (0.5%, so < 1% error). */
const ALPHA = 0.005
const GAMMA = (1 + ALPHA) / (1 - ALPHA)
const LOG_GAMMA = Math.log(GAMMA)

/**
 * Percentiles by nearest rank: percentile(p) is the smallest recorded value v such that at least
 * p% of the values are <= v (percentile(0) is the minimum). Exact up to 4096 values; then the
 * values move into logarithmic buckets (DDSketch-style: bucket k holds (gamma^(k-1), gamma^k]),
 * whose representative is within 0.5% of any value in it, so percentiles stay within 0.5%
 * relative error; count, sum, mean, min and max stay exact. Negative values are mirrored.
 */
export class Histogram {
  count = 0
  sum = 0
  min = Infinity
  max = -Infinity
  private exact: number[] | null = []
  private sorted = true
  private buckets: Map<number, number> | null = null
  private zeros = 0

  record(v: number): void {
    if (!Number.isFinite(v)) throw new RangeError(`Histogram.record: ${v} is not a finite number`)
    this.count++
    this.sum += v
    if (v < this.min) this.min = v
    if (v > this.max) this.max = v
    if (this.exact !== null) {
      if (this.sorted && this.exact.length > 0 && v < this.exact[this.exact.length - 1]) this.sorted = false
      this.exact.push(v)
      if (this.exact.length > EXACT_LIMIT) this.toBuckets()
    } else {
      this.bucket(v)
    }
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN
  }

  /** True while every recorded value is kept (percentiles are exact). */
  get isExact(): boolean {
    return this.exact !== null
  }

  /** p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`Histogram.percentile: ${p} (expected 0..100)`)
    if (this.count === 0) return NaN
    const rank = Math.max(1, Math.ceil((p / 100) * this.count))
    if (this.exact !== null) {
      if (!this.sorted) {
        this.exact.sort((a, b) => a - b)
        this.sorted = true
      }
      return this.exact[rank - 1]
    }
    // The extremes are known exactly even when bucketed.
    if (rank === 1) return this.min
    if (rank === this.count) return this.max
    return this.fromBuckets(rank)
  }

  get p50(): number {
    return this.percentile(50)
  }
  get p95(): number {
    return this.percentile(95)
  }
  get p99(): number {
    return this.percentile(99)
  }

  private toBuckets(): void {
    const values = this.exact!
    this.exact = null
    this.buckets = new Map()
    for (const v of values) this.bucket(v)
  }

  private bucket(v: number): void {
    if (v === 0) {
      this.zeros++
      return
    }
    const k = Math.ceil(Math.log(Math.abs(v)) / LOG_GAMMA)
    // Even keys for positive values, odd keys for negative ones (k itself may be negative).
    const key = v > 0 ? 2 * k : 2 * k + 1
    this.buckets!.set(key, (this.buckets!.get(key) ?? 0) + 1)
  }

  private fromBuckets(rank: number): number {
    // Order buckets by the values they represent: negatives (largest magnitude first), zero, positives.
    const neg: [number, number][] = []
    const pos: [number, number][] = []
    for (const [key, n] of this.buckets!) {
      if (key % 2 === 0) pos.push([key / 2, n])
      else neg.push([(key - 1) / 2, n])
    }
    neg.sort((a, b) => b[0] - a[0])
    pos.sort((a, b) => a[0] - b[0])
    let seen = 0
    for (const [k, n] of neg) {
      seen += n
      if (seen >= rank) return this.clamp(-representative(k))
    }
    seen += this.zeros
    if (seen >= rank) return 0
    for (const [k, n] of pos) {
      seen += n
      if (seen >= rank) return this.clamp(representative(k))
    }
    return this.max
  }

  private clamp(v: number): number {
    return Math.min(this.max, Math.max(this.min, v))
  }
}

/** The value within ALPHA of every value in (gamma^(k-1), gamma^k]. */
function representative(k: number): number {
  return (2 * Math.pow(GAMMA, k)) / (GAMMA + 1)
}
