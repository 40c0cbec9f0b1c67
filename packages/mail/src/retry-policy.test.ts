import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, decideRetry, resolveRetry } from './retry-policy.js';

const options = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 5000 });
const low = () => 0;
const high = () => 0.999_999;

describe('retry policy', () => {
  it('documents its defaults: 15 minutes in all, one ambiguous resend', () => {
    expect(DEFAULT_RETRY).toEqual({
      maxTotalMs: 900_000,
      baseDelayMs: 1000,
      maxDelayMs: 300_000,
      maxAttempts: 20,
      maxAmbiguousResends: 1,
    });
  });

  it('doubles the delay per attempt, with half of it jittered, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, low))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, high))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(30, options, high)).toBe(1000);
    expect(backoffDelay(30, options, low)).toBe(500);
  });

  it('F9: drops at once on a permanent failure', () => {
    const state = { attempts: 1, ambiguous: 0, elapsedMs: 0 };
    expect(decideRetry('permanent', state, options, low)).toEqual({
      action: 'drop',
      reason: 'permanent',
    });
  });

  it('F9: retries a transient failure with backoff', () => {
    const state = { attempts: 2, ambiguous: 0, elapsedMs: 100 };
    expect(decideRetry('transient', state, options, high)).toEqual({
      action: 'retry',
      delayMs: 200,
    });
  });

  it('F10: resends once after an ambiguous failure, then drops', () => {
    expect(
      decideRetry('ambiguous', { attempts: 1, ambiguous: 1, elapsedMs: 0 }, options, low),
    ).toMatchObject({ action: 'retry' });
    expect(
      decideRetry('ambiguous', { attempts: 2, ambiguous: 2, elapsedMs: 0 }, options, low),
    ).toEqual({ action: 'drop', reason: 'ambiguous' });
  });

  it('F8: lands the last retry on the time bound, then drops', () => {
    expect(
      decideRetry('transient', { attempts: 5, ambiguous: 0, elapsedMs: 4900 }, options, high),
    ).toEqual({ action: 'retry', delayMs: 100 });
    expect(
      decideRetry('transient', { attempts: 6, ambiguous: 0, elapsedMs: 5000 }, options, high),
    ).toEqual({ action: 'drop', reason: 'time' });
  });

  it('F11: bounds the number of attempts', () => {
    const bounded = resolveRetry({ maxAttempts: 3 });
    expect(
      decideRetry('transient', { attempts: 3, ambiguous: 0, elapsedMs: 0 }, bounded, low),
    ).toEqual({ action: 'drop', reason: 'attempts' });
  });

  it('refuses nonsense options', () => {
    expect(() => resolveRetry({ maxTotalMs: -1 })).toThrow(/retry.maxTotalMs/);
    expect(() => resolveRetry({ baseDelayMs: Number.NaN })).toThrow(/retry.baseDelayMs/);
    expect(() => resolveRetry({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
