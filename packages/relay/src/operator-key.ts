import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of every generated operator key, so a leaked key is recognisable in a secret scanner. */
export const OPERATOR_KEY_PREFIX = 'ck_';

/** Random bytes in a generated key: 256 bits, far beyond guessing. */
export const OPERATOR_KEY_BYTES = 32;

const HASH_PREFIX = 'sha256:';
const HASH_PATTERN = /^sha256:[0-9a-fA-F]{64}$/;

/**
 * Creates a new random operator key (`ck_` + 32 random bytes, base64url).
 * @example generateOperatorKey() // 'ck_q3N0…' (46 characters)
 */
export function generateOperatorKey(): string {
  return OPERATOR_KEY_PREFIX + randomBytes(OPERATOR_KEY_BYTES).toString('base64url');
}

/**
 * Hashes a key into the form stored in the config: `'sha256:' + hex sha-256 of the UTF-8 key`.
 * @example hashOperatorKey('abc') // 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function hashOperatorKey(key: string): string {
  return HASH_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Tells whether a string is a well-formed stored key hash (`sha256:` + 64 hex digits), for config validation.
 * @example isOperatorKeyHash('sha256:' + 'a'.repeat(64)) // true
 */
export function isOperatorKeyHash(s: unknown): s is string {
  return typeof s === 'string' && HASH_PATTERN.test(s);
}

/**
 * Returns the index of the stored hash that matches `key`, or -1.
 * Every well-formed hash is compared in constant time and the loop never stops early, so the
 * response time does not tell an attacker which operator (if any) a guess came close to.
 * Malformed hashes never match (a typo in the config must not become an open door).
 * @example matchOperatorKey(key, [hashOperatorKey('other'), hashOperatorKey(key)]) // 1
 */
export function matchOperatorKey(key: string, hashes: readonly string[]): number {
  // Compare raw digests: both sides are always 32 bytes, which timingSafeEqual requires.
  const digest = createHash('sha256').update(key, 'utf8').digest();
  let found = -1;
  for (let i = 0; i < hashes.length; i++) {
    const stored = hashes[i];
    if (!isOperatorKeyHash(stored)) continue;
    const expected = Buffer.from(stored.slice(HASH_PREFIX.length), 'hex');
    if (timingSafeEqual(digest, expected) && found === -1) found = i;
  }
  return found;
}
