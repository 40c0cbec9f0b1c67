import { clamp, cleanLine, isEmail, LIMITS } from '@conduit-chat/protocol';

/** What a site may tell about the visitor (`identify()`). */
export interface Identity {
  name?: string;
  email?: string;
  custom?: Record<string, string | number | boolean>;
  /**
   * Reserved for signed identities (an HMAC of the e-mail by the site's server). Protocol v1
   * carries no such field, so it is accepted and not sent.
   */
  hash?: string;
}

/** The visitor info as it may go into `hello`/`info` frames. */
export type VisitorInfo = Omit<Identity, 'hash'>;

/**
 * Reduces `identity` to values the relay accepts, so one bad custom field cannot get the
 * whole `hello` refused: names cleaned and clamped, e-mail only when strictly valid, custom
 * keys matching the protocol's pattern, at most `LIMITS.customFields` of them.
 */
export function cleanIdentity(identity: Identity): VisitorInfo {
  const out: VisitorInfo = {};
  const name = typeof identity.name === 'string' ? cleanLine(identity.name, LIMITS.nameChars) : '';
  if (name) out.name = name;
  const email = typeof identity.email === 'string' ? identity.email.trim() : '';
  if (isEmail(email)) out.email = email;
  const custom: Record<string, string | number | boolean> = {};
  let count = 0;
  for (const [key, value] of Object.entries(identity.custom ?? {})) {
    if (count >= LIMITS.customFields) break;
    if (key.length > LIMITS.customKeyChars || !/^[A-Za-z0-9_.-]+$/.test(key)) continue;
    if (typeof value === 'string')
      custom[key] = cleanLine(clamp(value, 4 * LIMITS.customValueChars), LIMITS.customValueChars);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      custom[key] = value;
    else continue;
    count++;
  }
  if (count) out.custom = custom;
  return out;
}
