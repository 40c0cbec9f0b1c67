// A token bucket on a monotonic clock (CHECKLIST F13: wall-clock jumps change nothing).

/** A per-connection rate limit: `burst` tokens, refilled at `rate` per second. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (the frame is refused). */
  take(): boolean;
}

/** Creates a full bucket. `now` returns milliseconds on a monotonic clock. */
export function createTokenBucket(
  rate: number,
  burst: number,
  now: () => number = () => performance.now(),
): TokenBucket {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + (Math.max(0, t - last) / 1000) * rate);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
