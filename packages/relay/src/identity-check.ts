import { createHmac, timingSafeEqual } from 'node:crypto';

// Signed visitor identities (issue #15): the site's server computes
// `HMAC-SHA256(identity.secret, userId)` as hex and hands it to the widget with the user id;
// the relay recomputes it. The secret lives only in the relay's config.

/** The site's identity settings (`sites[].identity`). */
export interface IdentitySettings {
  secret: string;
  required: boolean;
}

/** A signed identity claim as `info` carries it. */
export interface IdentityClaim {
  userId?: string | undefined;
  hash?: string | undefined;
}

/** What a claim comes to: the verified user id, none, or refused (the info is dropped). */
export type IdentityOutcome = { verifiedId: string | undefined } | 'refused';

/**
 * True when `hash` (64 lower-case hex digits, as the protocol delivers it) is the HMAC of
 * `userId` under `secret`. Compared in constant time, so the answer time says nothing of how
 * much of a guess was right.
 */
export function verifyIdentity(secret: string, userId: string, hash: string): boolean {
  const expected = createHmac('sha256', secret).update(userId, 'utf8').digest();
  const given = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The verified id after a claim, given the session's `current` one. A claim without `userId`
 * keeps `current` (a later name-only `info` is no new identity); a claim naming a user id
 * needs a matching hash, else it verifies nothing. A site without `identity` verifies nothing;
 * with `required`, info that leaves the visitor unverified is refused.
 */
export function checkIdentity(
  settings: IdentitySettings | undefined,
  claim: IdentityClaim,
  current: string | undefined,
): IdentityOutcome {
  if (!settings) return { verifiedId: undefined };
  const { userId, hash } = claim;
  const verifiedId =
    userId === undefined
      ? current
      : hash !== undefined && verifyIdentity(settings.secret, userId, hash)
        ? userId
        : undefined;
  return verifiedId === undefined && settings.required ? 'refused' : { verifiedId };
}
