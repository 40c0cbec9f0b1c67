import { isEmail } from '@conduit-chat/protocol';

// The strict visitor-address rule is the protocol's `isEmail` (SECURITY.md B7): a value it
// accepts parses to itself in every address parser. Only the sender rule below is mail's own.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/**
 * Strict e-mail check for any value: a string that the protocol's `isEmail` accepts.
 * @example isStrictEmail('ada@example.com') // true
 */
export function isStrictEmail(value: unknown): value is string {
  return typeof value === 'string' && isEmail(value);
}

/** A display name and an address, as nodemailer takes them (never re-parsed from a string). */
export interface MailAddress {
  name: string;
  address: string;
}

// `Name <addr>`, `"Name" <addr>` or a bare address; the name may not hold quotes or brackets.
const NAMED = /^\s*(?:"([^"<>\\]*)"|([^"<>\\]*?))\s*<([^<>\s]+)>\s*$/;

// The sender comes from the operator's config, not a visitor: a single-label host such as
// `localhost` (the relay's demo default) is allowed there, nothing else is relaxed.
const LOCAL_SENDER = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}$`);

function isSenderAddress(value: string): boolean {
  return (value.length <= 254 && LOCAL_SENDER.test(value)) || isStrictEmail(value);
}

/**
 * Parses the configured sender (`Conduit <chat@acme.example>` or `chat@acme.example`) strictly;
 * returns undefined when it is not exactly one valid address.
 */
export function parseSender(value: string): MailAddress | undefined {
  const bare = value.trim();
  if (isSenderAddress(bare)) return { name: '', address: bare };
  const match = NAMED.exec(value);
  if (!match) return undefined;
  const address = match[3] ?? '';
  const name = (match[1] ?? match[2] ?? '').trim();
  if (!isSenderAddress(address) || /[\r\n\u0085\u2028\u2029]/.test(name)) return undefined;
  return { name, address };
}
