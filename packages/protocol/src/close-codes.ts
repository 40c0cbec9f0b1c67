/**
 * WebSocket close codes the relay uses. 1000–1015 are RFC 6455 §7.4.1; 4000–4999 are private.
 * Clients decide from the code whether to reconnect: see `RECONNECT_CLOSE_CODES`.
 */
export const CLOSE_CODES = {
  /** Normal close (chat ended, client left). */
  normal: 1000,
  /** Endpoint going away (page unload). */
  goingAway: 1001,
  /** Policy violation: repeated bad frames, rate limit exceeded, forbidden site. */
  policy: 1008,
  /** Frame larger than `LIMITS.frameBytes`. */
  tooBig: 1009,
  /** Relay restarting (SIGTERM): reconnect after a short delay. */
  restart: 1012,
  /** Relay overloaded (session or connection cap): try again later. */
  tryAgain: 1013,
  /** Operator key wrong, revoked, or no `auth` in time. */
  authFailed: 4001,
  /** The session was ended; do not resume. */
  sessionEnded: 4002,
  /** The same session was opened in another tab/socket; this one is replaced. */
  replaced: 4003,
  /** No `hello`/`auth` within the handshake timeout. */
  handshakeTimeout: 4004,
} as const;

/** Name of a close code. */
export type CloseName = keyof typeof CLOSE_CODES;

/** Close codes after which a client should reconnect (with backoff). */
export const RECONNECT_CLOSE_CODES: readonly number[] = [1001, 1006, 1011, 1012, 1013];
