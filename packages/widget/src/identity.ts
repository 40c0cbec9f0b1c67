import { clamp, isEmail, LIMITS } from '@conduit-chat/protocol';

/** What a site may tell about the visitor (`identify()`). */
export interface Identity {
  name?: string;
  email?: string;
  /** Flat custom fields (the relay accepts `LIMITS.customFields` keys of `[A-Za-z0-9_.-]`). */
  custom?: Record<string, string | number | boolean>;
  /**
   * Reserved for signed identities (an HMAC of the e-mail by the site's server). Protocol v1
   * carries no such field, so it is accepted and not sent.
   */
  hash?: string;
}

/** The visitor info as it goes into an `info` frame. */
export type VisitorInfo = Omit<Identity, 'hash'>;

/**
 * Keeps what can be checked here: the name trimmed and cut to `LIMITS.nameChars`, the
 * e-mail only when strictly valid (CHECKLIST B7). Custom fields go as given; the relay
 * validates them and answers a bad one with an `error` frame (an `error` event), which
 * never costs the chat because `info` travels in its own frame after `welcome`.
 */
export function cleanIdentity({ name, email, custom }: Identity): VisitorInfo {
  const out: VisitorInfo = {};
  if (typeof name === 'string' && name.trim()) out.name = clamp(name.trim(), LIMITS.nameChars);
  if (typeof email === 'string' && isEmail(email.trim())) out.email = email.trim();
  if (custom && typeof custom === 'object') out.custom = custom;
  return out;
}
