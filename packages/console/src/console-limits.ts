/**
 * Every buffer, timer and queue of the console, with its default (README "Limits").
 * The wire limits (text length, name length…) are the protocol's `LIMITS`.
 */
export const CONSOLE_LIMITS = {
  /** First reconnect delay; doubles per failed attempt, with ±50 % jitter. */
  reconnectBaseMs: 500,
  /** Largest reconnect delay. */
  reconnectMaxMs: 15_000,
  /** No `ready` this long after the socket opened → give up on this socket. */
  authTimeoutMs: 10_000,
  /** Heartbeat period; no frame from the relay for two beats → reconnect. */
  pingEveryMs: 20_000,
  /** Unacknowledged messages kept for resending. */
  outboxMessages: 200,
  /** Messages kept per chat in memory; older ones drop and the chat is marked truncated. */
  messagesPerChat: 2000,
  /** Ended chats kept for reading until their tab is closed; the oldest go first. */
  endedChatsKept: 20,
  /** `typing {on:true}` is repeated at most this often while the operator types. */
  typingRepeatMs: 3000,
  /** `typing {on:false}` after this long without a keystroke. */
  typingIdleMs: 4000,
} as const;

/** The shape of the console's limits (every field overridable in tests). */
export type ConsoleLimits = { [K in keyof typeof CONSOLE_LIMITS]: number };
