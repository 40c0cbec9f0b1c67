/** Version of the wire protocol spoken on `/v1/*`; sent by clients in `hello`/`auth` as `v`. */
export const PROTOCOL_VERSION = 1;

/**
 * Every size limit of the wire protocol. The relay enforces them, the widget and console
 * show them (e.g. the 4000-character counter). Changing one is a protocol change.
 */
export const LIMITS = {
  /** Largest inbound WebSocket frame or HTTP body, in bytes (4000 chars of escaped text fit). */
  frameBytes: 32 * 1024,
  /** Deepest JSON nesting accepted before parsing (objects and arrays). */
  jsonDepth: 6,
  /** Chat message and offline message text, in UTF-16 code units. */
  textChars: 4000,
  /** Visitor or operator display name. */
  nameChars: 80,
  /** E-mail address (RFC 5321 path limit). */
  emailChars: 254,
  /** Page URL and referrer. */
  urlChars: 2048,
  /** Page title. */
  titleChars: 300,
  /** Client-chosen message id (a nanoid is 21). */
  idChars: 64,
  /** Session id and resume token. */
  tokenChars: 128,
  /** Operator key as typed in the console. */
  keyChars: 256,
  /** Custom info fields a site may attach to a visitor. */
  customFields: 20,
  /** Custom field name. */
  customKeyChars: 40,
  /** Custom field value. */
  customValueChars: 500,
  /** The site's user id in a signed `identify()` (issue #15). */
  userIdChars: 128,
  /** Language tag, time-zone name. */
  localeChars: 64,
  /** Largest screen dimension accepted, in CSS pixels. */
  screenPixels: 100_000,
  /** Consecutive combining marks kept in a name (the rest are dropped, SECURITY.md B19). */
  combiningMarks: 3,
  /** Largest `retryMs` hint in an `error` frame (a refused message is resent after it). */
  retryMs: 60_000,
} as const;

/** The limit table's type. */
export type Limits = typeof LIMITS;
