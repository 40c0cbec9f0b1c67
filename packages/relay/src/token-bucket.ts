// A token bucket on a monotonic clock (SECURITY.md F13: wall-clock jumps change nothing).
// The state (tokens left, last refill) is two numbers that live on the limited thing itself;
// the rate is one shared policy object. A connection carries no bucket object of its own: one
// lives on every socket, so its size counts.

/** What a rate-limited thing carries: tokens left and the time of the last refill. */
export interface BucketState {
  tokens: number;
  last: number;
}

/** A rate: `burst` tokens, refilled at `rate` per second on the clock `now` (ms). */
export interface RatePolicy {
  readonly rate: number;
  readonly burst: number;
  readonly now: () => number;
}

// Whole milliseconds: `last` stays a small integer (no heap number on every connection for
// days of uptime), and floored readings telescope, so refills do not drift.
const monotonic = () => Math.floor(performance.now());

/** A policy; `now` returns milliseconds on a monotonic clock. */
export function ratePolicy(rate: number, burst: number, now: () => number = monotonic): RatePolicy {
  return { rate, burst, now };
}

/** The state of a full bucket under `policy`. */
export function fullBucket(policy: RatePolicy): BucketState {
  return { tokens: policy.burst, last: policy.now() };
}

/** Takes one token from `state`; false when it is empty (the frame is refused). */
export function takeToken(state: BucketState, policy: RatePolicy): boolean {
  const t = policy.now();
  state.tokens = Math.min(
    policy.burst,
    state.tokens + (Math.max(0, t - state.last) / 1000) * policy.rate,
  );
  state.last = t;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

/** Milliseconds until `state` holds one whole token again (0 when it does now). */
export function waitMs(state: BucketState, policy: RatePolicy): number {
  return Math.max(0, Math.ceil(((1 - state.tokens) * 1000) / policy.rate));
}

/** A standalone bucket (the offline POST's per-address limit). */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (the request is refused). */
  take(): boolean;
}

/** Creates a full standalone bucket. */
export function createTokenBucket(
  rate: number,
  burst: number,
  now: () => number = monotonic,
): TokenBucket {
  const policy = ratePolicy(rate, burst, now);
  const state = fullBucket(policy);
  return { take: () => takeToken(state, policy) };
}
