/** Reconnect delay policy: exponential growth, capped, with jitter. */
export interface BackoffOptions {
  /** First delay in ms (default 500). */
  baseMs: number;
  /** Largest delay in ms (default 30 000). */
  maxMs: number;
}

/** Defaults for `BackoffOptions`. */
export const BACKOFF_DEFAULTS: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): `min(max, base·2^attempt)`, then
 * "equal jitter" — half fixed, half random — so a relay restart does not bring every
 * visitor back in the same millisecond, yet no delay collapses to zero.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random) {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
