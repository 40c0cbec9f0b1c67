import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from './errors.js';
import { LIMITS } from './limits.js';
import { cleanLine, cleanText, isEmail } from './sanitize.js';

// Field schemas shared by the frames. Values are cleaned where they enter (STYLE.md
// "Sanitise once"), so every parsed frame already holds single-line names and safe text.

/** A single-line value of at most `max` code units, cleaned (may come out empty). */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .transform((v) => cleanLine(v, max));

/** A client message id (nanoid-like: letters, digits, `_`, `-`). */
export const clientId = z
  .string()
  .min(1)
  .max(LIMITS.idChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');

/** A relay-issued session id or resume token. */
export const token = z
  .string()
  .min(1)
  .max(LIMITS.tokenChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');

/** Chat text: cleaned, non-empty after trimming, at most `LIMITS.textChars`. */
export const text = z
  .string()
  .max(LIMITS.textChars)
  .transform(cleanText)
  .refine((v) => v.length > 0, 'must not be empty');

/** A visitor's e-mail: strict single address (SECURITY.md B7). */
export const email = z
  .string()
  .max(LIMITS.emailChars)
  .transform((v) => v.trim())
  .refine(isEmail, 'must be a plain address like name@example.com');

/** Display name. */
export const name = line(LIMITS.nameChars);

/** A URL as sent by a browser (the relay reduces it with `pageUrl`). */
export const url = z.string().max(LIMITS.urlChars);

/** Page title. */
export const title = line(LIMITS.titleChars);

/** Milliseconds since the Unix epoch. */
export const epochMs = z.number().int().nonnegative();

/** A per-session message sequence number (1, 2, 3, …). */
export const seq = z.number().int().nonnegative();

/** Custom info a site attaches to a visitor: flat, bounded, primitives only. */
export const custom = z
  .record(
    z
      .string()
      .min(1)
      .max(LIMITS.customKeyChars)
      .regex(/^[A-Za-z0-9_.-]+$/, 'keys must be letters, digits, _ . or -'),
    z.union([
      line(LIMITS.customValueChars),
      z.number().refine(Number.isFinite, 'must be finite'),
      z.boolean(),
    ]),
  )
  .refine((v) => Object.keys(v).length <= LIMITS.customFields, {
    message: `at most ${LIMITS.customFields} fields`,
  });

/**
 * The site's own id of a signed-in user (issue #15). Refused, not cleaned, when it holds a
 * control or bidi character: the relay checks an HMAC of exactly these characters, so a cleaned
 * copy would never match, and the operator must see the id that was signed.
 */
export const userId = z
  .string()
  .min(1)
  .max(LIMITS.userIdChars)
  .refine((v) => cleanLine(v, LIMITS.userIdChars) === v, 'must be one line without controls');

/** `HMAC-SHA256(secret, id)` as 64 hex digits, computed by the site's server (issue #15). */
export const identityHash = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (HMAC-SHA256)')
  .transform((v) => v.toLowerCase());

/** Name, e-mail, custom fields and a signed user id, as `hello.info` and `info` carry them. */
export const identity = {
  name: name.optional(),
  email: email.optional(),
  custom: custom.optional(),
  userId: userId.optional(),
  hash: identityHash.optional(),
};

/** The page a visitor is on. */
export const page = z.object({ url, title });

/** Browser facts the widget reports (no fingerprinting beyond these). */
export const client = z.object({
  lang: line(LIMITS.localeChars),
  tz: line(LIMITS.localeChars),
  screen: z.object({
    w: z.number().int().min(0).max(LIMITS.screenPixels),
    h: z.number().int().min(0).max(LIMITS.screenPixels),
  }),
});

/** Who wrote a message. */
export const author = z.enum(['visitor', 'operator']);

/** Why a session ended. */
export const endReason = z.enum(['visitor', 'operator', 'expired', 'shutdown', 'unknown', 'limit']);

/** Milliseconds until a refused message may be resent (`error.retryMs`). */
export const retryMs = z.number().int().min(0).max(LIMITS.retryMs);

/** Stable error code (see `ERROR_CODES`). */
export const errorCode = z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]);

/** Widget settings the relay hands the widget in `welcome` (from the site config). */
export const widgetSettings = z.object({
  name: line(LIMITS.nameChars),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  position: z.enum(['left', 'right']).optional(),
  greeting: line(LIMITS.customValueChars).optional(),
  /** Colour scheme: follow the visitor's `prefers-color-scheme` (`auto`) or force one. */
  theme: z.enum(['auto', 'light', 'dark']).optional(),
  /** The team's logo or avatar, shown in the panel's header: an `https:` image URL. */
  logo: z
    .url({ protocol: /^https$/ })
    .max(LIMITS.urlChars)
    .optional(),
  connect: z.enum(['on-open', 'on-load']).optional(),
  preChat: z.enum(['off', 'optional', 'required']).optional(),
});

/** A person on the operator side as a visitor sees them. */
export const operatorBadge = z.object({ name });

/** What an operator sees of one visitor (the seed's "automatic technical data"). */
export const visitorSnapshot = z.object({
  session: token,
  state: z.enum(['browsing', 'waiting', 'chatting', 'detached']),
  owner: z.object({ id: token, name }).nullable(),
  startedAt: epochMs,
  waitingSince: epochMs.nullable(),
  page: z.object({ url, title }),
  pages: z.array(z.object({ url, title, at: epochMs })),
  referrer: url,
  /** The last invitation to chat an operator sent this visitor (so colleagues do not repeat it). */
  invited: z.object({ name, at: epochMs }).optional(),
  name: name.optional(),
  email: email.optional(),
  custom: custom.optional(),
  /** Present only when the relay checked `hash` against the site's secret (issue #15). */
  verified: z.literal(true).optional(),
  /** The verified user id; never an unverified claim. */
  userId: userId.optional(),
  ip: z.string().max(64).optional(),
  country: z.string().max(64).optional(),
  city: z.string().max(128).optional(),
  browser: z.string().max(128),
  os: z.string().max(128),
  device: z.string().max(64),
  lang: z.string().max(LIMITS.localeChars),
  tz: z.string().max(LIMITS.localeChars),
  screen: z.object({ w: z.number().int(), h: z.number().int() }),
  lastSeq: seq,
});

/** A canned response configured for the site. */
export const canned = z.object({
  shortcut: z
    .string()
    .max(40)
    .regex(/^[a-z0-9_-]+$/),
  text,
});
