/** Stable error codes of the console's own code (wire codes are the protocol's `ERROR_CODES`). */
export const CONSOLE_ERROR_CODES = {
  bad_state: 'The connection is not in a state that allows this call.',
  outbox_full: 'Too many messages are waiting for the relay to confirm them.',
  empty_text: 'The message is empty.',
  text_too_long: 'The message is longer than the limit.',
  no_websocket: 'This browser has no WebSocket support.',
} as const;

/** One of the console's error codes. */
export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_CODES;

/** Every console error code, in table order. */
export const CONSOLE_ERROR_CODE_LIST = Object.keys(CONSOLE_ERROR_CODES) as ConsoleErrorCode[];

/** The one error class the console throws: a stable `code`, a message, an optional `cause`. */
export class ConsoleError extends Error {
  /** Stable code from `CONSOLE_ERROR_CODES`. */
  readonly code: ConsoleErrorCode;

  constructor(code: ConsoleErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? CONSOLE_ERROR_CODES[code], options);
    this.name = 'ConsoleError';
    this.code = code;
  }
}
