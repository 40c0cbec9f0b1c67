import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateOperatorKey,
  hashOperatorKey,
  isOperatorKeyHash,
  matchOperatorKey,
} from './operator-key.js';

describe('generateOperatorKey', () => {
  it('returns ck_ followed by 32 random bytes in base64url', () => {
    const key = generateOperatorKey();
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
  });

  it('returns a different key on every call', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateOperatorKey()));
    expect(keys.size).toBe(100);
  });
});

describe('hashOperatorKey', () => {
  it('returns sha256: and the hex digest of the UTF-8 key (FIPS 180-2 "abc" vector)', () => {
    expect(hashOperatorKey('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes non-ASCII keys as UTF-8', () => {
    const utf8 = createHash('sha256')
      .update(Buffer.from([0xc3, 0xa9]))
      .digest('hex');
    expect(hashOperatorKey('é')).toBe(`sha256:${utf8}`);
  });

  it('produces a hash that isOperatorKeyHash accepts', () => {
    expect(isOperatorKeyHash(hashOperatorKey(generateOperatorKey()))).toBe(true);
  });
});

describe('isOperatorKeyHash', () => {
  it('rejects malformed stored hashes', () => {
    const hex = 'a'.repeat(64);
    for (const bad of [
      '',
      hex,
      `sha256:${'a'.repeat(63)}`,
      `sha256:${'a'.repeat(65)}`,
      `sha256:${'g'.repeat(64)}`,
      `sha512:${hex}`,
      ` sha256:${hex}`,
      `sha256:${hex}\n`,
      'ck_plaintextkey',
      42,
      null,
      undefined,
    ]) {
      expect(isOperatorKeyHash(bad), String(bad)).toBe(false);
    }
    expect(isOperatorKeyHash(`sha256:${hex}`)).toBe(true);
    expect(isOperatorKeyHash(`sha256:${'A'.repeat(64)}`)).toBe(true);
  });
});

describe('matchOperatorKey', () => {
  const ada = generateOperatorKey();
  const bob = generateOperatorKey();
  const hashes = [hashOperatorKey(ada), hashOperatorKey(bob)];

  it('returns the index of the matching hash', () => {
    expect(matchOperatorKey(ada, hashes)).toBe(0);
    expect(matchOperatorKey(bob, hashes)).toBe(1);
  });

  it('returns -1 for a wrong, empty or near-miss key', () => {
    expect(matchOperatorKey(generateOperatorKey(), hashes)).toBe(-1);
    expect(matchOperatorKey('', hashes)).toBe(-1);
    expect(matchOperatorKey(`${ada} `, hashes)).toBe(-1);
    expect(matchOperatorKey(ada.slice(0, -1), hashes)).toBe(-1);
    expect(matchOperatorKey(ada, [])).toBe(-1);
  });

  it('does not accept the stored hash itself as a key', () => {
    expect(matchOperatorKey(hashes[0]!, hashes)).toBe(-1);
  });

  it('matches upper-case hex written by hand in a config', () => {
    const upper = `sha256:${hashOperatorKey(ada).slice(7).toUpperCase()}`;
    expect(matchOperatorKey(ada, [upper])).toBe(0);
  });

  it('skips malformed hashes without throwing and still finds a later match', () => {
    const junk = ['', 'sha256:', `sha256:${'z'.repeat(64)}`, 'sha256:abcd', ada];
    expect(matchOperatorKey(ada, [...junk, hashes[0]!])).toBe(junk.length);
    // A truncated hex digest must not match a key whose digest starts the same way.
    expect(matchOperatorKey(ada, [hashOperatorKey(ada).slice(0, 40)])).toBe(-1);
  });

  it('returns the first index when the same key is listed twice', () => {
    expect(matchOperatorKey(bob, [hashes[0]!, hashes[1]!, hashes[1]!])).toBe(1);
  });
});
