import { type BucketState, fullBucket, ratePolicy, takeToken } from './token-bucket.js';

// One budget of offline messages per client address, shared by the `offline` frame on
// /v1/visitor and `POST /v1/offline` (issue #12.1: 20 sockets from one address once mailed
// 1 000 offline messages in 5 s while the POST was limited to 5). An offline message becomes
// an e-mail to the site owner, so it is limited where it comes from, not per socket.

/** Addresses tracked at once; at the bound, spent-and-refilled entries are forgotten first. */
export const OFFLINE_ADDRESSES = 10_000;

/** The per-address offline budget. */
export interface OfflineLimiter {
  /** Takes one message from `address`'s budget; false when it is spent (refuse the message). */
  take(address: string): boolean;
  /** Addresses tracked now (bounded by `OFFLINE_ADDRESSES`). */
  size(): number;
}

/**
 * Creates the limiter: `burst` messages at once, then one more every `refillMs`, per address.
 * @example
 * const offline = createOfflineLimiter({ offlineBurst: 5, offlineRefillMs: 10_000 });
 * if (!offline.take(address)) refuse();
 */
export function createOfflineLimiter(
  limits: { offlineBurst: number; offlineRefillMs: number },
  now?: () => number,
): OfflineLimiter {
  const policy = ratePolicy(1000 / limits.offlineRefillMs, limits.offlineBurst, now);
  const buckets = new Map<string, BucketState>();

  // A bucket that has refilled completely says nothing a fresh one would not: drop those first.
  // Only when every tracked address is still spending is the table cleared (a bound on memory
  // wins over the budgets of 10 000 busy addresses).
  function makeRoom(): void {
    const t = policy.now();
    for (const [address, state] of buckets) {
      const tokens = state.tokens + (Math.max(0, t - state.last) / 1000) * policy.rate;
      if (tokens >= policy.burst) buckets.delete(address);
    }
    if (buckets.size >= OFFLINE_ADDRESSES) buckets.clear();
  }

  return {
    take(address) {
      let state = buckets.get(address);
      if (!state) {
        if (buckets.size >= OFFLINE_ADDRESSES) makeRoom();
        state = fullBucket(policy);
        buckets.set(address, state);
      }
      return takeToken(state, policy);
    },
    size: () => buckets.size,
  };
}
