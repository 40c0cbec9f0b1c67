import { clamp, isEmail, LIMITS } from '@conduit-chat/protocol';

/** What a site may tell about the visitor (`identify()`). */
export interface Identity {
  /** Your own id of the signed-in user; verified only with a matching `hash`. */
  id?: string;
  name?: string;
  email?: string;
  /** Flat custom fields (the relay accepts `LIMITS.customFields` keys of `[A-Za-z0-9_.-]`). */
  custom?: Record<string, string | number | boolean>;
  /**
   * `HMAC-SHA256(identity secret, id)` as hex, computed on your server (never in the page: the
   * secret must not reach a browser). The relay checks it and shows operators a verified badge.
   */
  hash?: string;
}

/** The visitor info as it goes into an `info` frame (the protocol calls `id` `userId`). */
export type VisitorInfo = Omit<Identity, 'id'> & { userId?: string };

/**
 * Keeps what can be checked here: the name trimmed and cut to `LIMITS.nameChars`, the
 * e-mail only when strictly valid (SECURITY.md B7). Custom fields, `id` and `hash` go as given;
 * the relay validates them and answers a bad one with an `error` frame (an `error` event),
 * which never costs the chat because `info` travels in its own frame after `welcome`.
 */
export function cleanIdentity({ id, name, email, custom, hash }: Identity): VisitorInfo {
  const out: VisitorInfo = {};
  if (typeof name === 'string' && name.trim()) out.name = clamp(name.trim(), LIMITS.nameChars);
  if (typeof email === 'string' && isEmail(email.trim())) out.email = email.trim();
  if (custom && typeof custom === 'object') out.custom = custom;
  if (id) out.userId = id;
  if (hash) out.hash = hash;
  return out;
}
