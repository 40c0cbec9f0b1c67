/** Bucket width of the latency histogram, in microseconds. */
export const BUCKET_US = 5;
/** Latencies at or above this land in the overflow bucket (reported as "≥ 200 ms"). */
export const RANGE_US = 200_000;

/**
 * Fixed-bucket latency histogram: recording is an array increment, so the operator side can
 * record every message without allocating.
 */
export class Histogram {
  constructor() {
    this.counts = new Uint32Array(RANGE_US / BUCKET_US + 1);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  /** @param {number} us latency in microseconds (negative clamps to 0) */
  record(us) {
    const v = Math.max(us, 0);
    const b = v >= RANGE_US ? this.counts.length - 1 : Math.floor(v / BUCKET_US);
    this.counts[b]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /**
   * Adds every recording of `other` (rounds of the same rate add up to one distribution).
   * @param {Histogram} other
   */
  merge(other) {
    for (let b = 0; b < this.counts.length; b++)
      this.counts[b] += /** @type {number} */ (other.counts[b]);
    this.n += other.n;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  reset() {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  /**
   * Upper edge of the bucket holding quantile q, in microseconds (RANGE_US when in overflow:
   * the figure then means "at least", and survives JSON, which Infinity would not).
   * @param {number} q 0..1
   */
  quantile(q) {
    if (this.n === 0) return Number.NaN;
    const rank = Math.ceil(q * this.n);
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b];
      if (seen >= rank) return b === this.counts.length - 1 ? RANGE_US : (b + 1) * BUCKET_US;
    }
    return RANGE_US;
  }

  /** Summary in microseconds. */
  summary() {
    return {
      n: this.n,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.max,
      mean: this.n ? this.sum / this.n : Number.NaN,
    };
  }
}
