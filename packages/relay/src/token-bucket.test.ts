import { describe, expect, it } from 'vitest';
import { createTokenBucket, fullBucket, ratePolicy, takeToken, waitMs } from './token-bucket.js';

describe('createTokenBucket', () => {
  it('allows a burst, refuses the next frame, and refills at the rate', () => {
    let t = 1000;
    const bucket = createTokenBucket(2, 3, () => t);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    t += 500; // one token back at 2/s
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    t += 60_000; // never more than the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('F13: does not refill when the clock goes backwards', () => {
    let t = 5000;
    const bucket = createTokenBucket(10, 1, () => t);
    expect(bucket.take()).toBe(true);
    t -= 3_600_000;
    expect(bucket.take()).toBe(false);
    t += 100; // and does not punish the client for it either
    expect(bucket.take()).toBe(true);
  });

  it('refills on the real clock by default', async () => {
    const bucket = createTokenBucket(10, 1); // a token per 100 ms
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(bucket.take()).toBe(true);
  });

  it('12.2: says how long until the next whole token (the retry hint of a refused message)', () => {
    let t = 0;
    const policy = ratePolicy(10, 2, () => t);
    const state = fullBucket(policy);
    expect(waitMs(state, policy)).toBe(0);
    takeToken(state, policy);
    takeToken(state, policy);
    expect(takeToken(state, policy)).toBe(false);
    expect(waitMs(state, policy)).toBe(100);
    t += 40;
    takeToken(state, policy);
    expect(waitMs(state, policy)).toBe(60);
  });
});
