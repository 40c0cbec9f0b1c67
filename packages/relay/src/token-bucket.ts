// A token bucket on a monotonic clock (CHECKLIST F13: wall-clock jumps change nothing).

/** A per-connection rate limit: `burst` tokens, refilled at `rate` per second. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (the frame is refused). */
  take(): boolean;
}

// Whole milliseconds: `last` stays a small integer (no heap number on every connection for
// days of uptime), and floored readings telescope, so refills do not drift.
const monotonic = () => Math.floor(performance.now());

// A class, not a closure: one of these lives on every connection, so its size counts.
class Bucket implements TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + (Math.max(0, t - this.last) / 1000) * this.rate,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Creates a full bucket. `now` returns milliseconds on a monotonic clock. */
export function createTokenBucket(
  rate: number,
  burst: number,
  now: () => number = monotonic,
): TokenBucket {
  return new Bucket(rate, burst, now);
}
