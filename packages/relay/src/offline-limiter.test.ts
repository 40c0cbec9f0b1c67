import { describe, expect, it } from 'vitest';
import { createOfflineLimiter, OFFLINE_ADDRESSES } from './offline-limiter.js';

describe('createOfflineLimiter', () => {
  it('12.1: allows the burst per address, then one message per refill interval', () => {
    let t = 0;
    const limiter = createOfflineLimiter({ offlineBurst: 5, offlineRefillMs: 10_000 }, () => t);
    const taken = Array.from({ length: 7 }, () => limiter.take('198.51.100.1'));
    expect(taken).toEqual([true, true, true, true, true, false, false]);
    // Another address has its own budget.
    expect(limiter.take('198.51.100.2')).toBe(true);
    t += 9_999;
    expect(limiter.take('198.51.100.1')).toBe(false);
    t += 1;
    expect(limiter.take('198.51.100.1')).toBe(true);
    expect(limiter.take('198.51.100.1')).toBe(false);
  });

  it('keeps its address table bounded, forgetting refilled addresses first', () => {
    let t = 0;
    const limiter = createOfflineLimiter({ offlineBurst: 2, offlineRefillMs: 1000 }, () => t);
    for (let i = 0; i < OFFLINE_ADDRESSES; i++) limiter.take(`a${i}`);
    expect(limiter.size()).toBe(OFFLINE_ADDRESSES);
    limiter.take('busy');
    limiter.take('busy');
    // Table full of busy addresses: cleared to stay bounded.
    expect(limiter.size()).toBe(1);
    t += 2000;
    for (let i = 0; i < OFFLINE_ADDRESSES - 1; i++) limiter.take(`b${i}`) && limiter.take(`b${i}`);
    expect(limiter.size()).toBe(OFFLINE_ADDRESSES);
    // 'busy' has refilled: it is forgotten to make room, the b-addresses (spending) are kept.
    expect(limiter.take('new')).toBe(true);
    expect(limiter.size()).toBe(OFFLINE_ADDRESSES);
    expect(limiter.take('b0')).toBe(false);
  });
});
