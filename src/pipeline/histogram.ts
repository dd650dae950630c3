/** Upper bounds in seconds, Prometheus-style: 0.5 ms to 60 s, roughly ×2 per bucket. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const

export interface HistogramSnapshot {
  count: number
  sum: number
  /** Cumulative counts per upper bound (the last one is +Inf). */
  buckets: { le: number; count: number }[]
  p50: number
  p95: number
  p99: number
}

/**
 * A fixed-bucket histogram: constant memory however long the match day, the same buckets the Prometheus
 * exposition uses, and percentiles interpolated within a bucket (good to the bucket's width).
 */
export class Histogram {
  private readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1)
  private total = 0
  private sum = 0

  observe(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) return
    let i = 0
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++
    this.counts[i]!++
    this.total++
    this.sum += seconds
  }

  snapshot(): HistogramSnapshot {
    let cumulative = 0
    const buckets = [...LATENCY_BUCKETS, Number.POSITIVE_INFINITY].map((le, i) => {
      cumulative += this.counts[i]!
      return { le, count: cumulative }
    })
    return {
      count: this.total,
      sum: this.sum,
      buckets,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    }
  }

  quantile(q: number): number {
    if (this.total === 0) return 0
    const rank = q * this.total
    let cumulative = 0
    for (let i = 0; i < this.counts.length; i++) {
      const inBucket = this.counts[i]!
      if (cumulative + inBucket >= rank && inBucket > 0) {
        const lower = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!
        const upper = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i]! : lower * 2
        return lower + ((rank - cumulative) / inBucket) * (upper - lower)
      }
      cumulative += inBucket
    }
    return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]!
  }
}
