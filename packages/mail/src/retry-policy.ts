import { type FailureKind, MailError } from './errors.js';

/** When and how often a failed send is tried again. Every field has a default. */
export interface RetryOptions {
  /** Time from the first attempt after which a job is dropped; the last retry lands on it. */
  maxTotalMs: number;
  /** Delay before the first retry; doubles per attempt. */
  baseDelayMs: number;
  /** Largest delay between two attempts. */
  maxDelayMs: number;
  /** Attempts in all (first send included) before a job is dropped. */
  maxAttempts: number;
  /** Resends after the connection was lost past DATA (the mail may have arrived), F10. */
  maxAmbiguousResends: number;
}

/** Defaults: 15 minutes in all, 1 s doubling to 5 min, 20 attempts, one ambiguous resend. */
export const DEFAULT_RETRY: RetryOptions = {
  maxTotalMs: 15 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  maxAttempts: 20,
  maxAmbiguousResends: 1,
};

/** Fills in defaults and checks the values; throws `MailError('invalid_config')` on nonsense. */
export function resolveRetry(partial: Partial<RetryOptions> = {}): RetryOptions {
  const options = { ...DEFAULT_RETRY, ...partial };
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new MailError('invalid_config', `retry.${key} must be a finite number >= 0`);
    }
  }
  if (options.maxAttempts < 1) {
    throw new MailError('invalid_config', 'retry.maxAttempts must be at least 1');
  }
  return options;
}

/** What happens to a job after a failed attempt. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'drop'; reason: 'permanent' | 'attempts' | 'time' | 'ambiguous' };

/** Where a job stands when an attempt has failed. */
export interface AttemptState {
  /** Attempts made so far, the failed one included. */
  attempts: number;
  /** Ambiguous failures so far, the failed one included. */
  ambiguous: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many jobs spread out without ever retrying at once. `random` returns [0, 1).
 */
export function backoffDelay(attempts: number, options: RetryOptions, random: () => number) {
  const exponential = options.baseDelayMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random());
}

/**
 * Decides after a failed attempt (SECURITY.md F8–F11): a permanent (5xx) failure drops at once;
 * an ambiguous one (connection lost after DATA) is resent at most `maxAmbiguousResends` times;
 * transient ones back off until `maxAttempts` or `maxTotalMs`, the last retry landing on the bound.
 */
export function decideRetry(
  failure: FailureKind,
  state: AttemptState,
  options: RetryOptions,
  random: () => number,
): RetryDecision {
  if (failure === 'permanent') return { action: 'drop', reason: 'permanent' };
  if (failure === 'ambiguous' && state.ambiguous > options.maxAmbiguousResends) {
    return { action: 'drop', reason: 'ambiguous' };
  }
  if (state.attempts >= options.maxAttempts) return { action: 'drop', reason: 'attempts' };
  const left = options.maxTotalMs - state.elapsedMs;
  if (left <= 0) return { action: 'drop', reason: 'time' };
  return {
    action: 'retry',
    delayMs: Math.min(left, backoffDelay(state.attempts, options, random)),
  };
}
