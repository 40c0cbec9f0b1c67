/**
 * Stable error codes of the widget, emitted as `error` events (`chat.on('error', …)`).
 * Codes never change meaning; messages are for developers and may change.
 */
export const WIDGET_ERRORS = {
  bad_option: 'An option has an invalid value.',
  bad_state: 'The operation is not allowed in the current state.',
  outbox_full: 'Too many messages are waiting to be delivered.',
  too_long: 'The message is longer than the limit.',
  empty: 'The message is empty.',
  closed: 'The relay closed the connection and the widget will not reconnect.',
  refused: 'The relay refused a frame.',
  destroyed: 'The chat was destroyed.',
} as const;

/** One of the widget's stable error codes. */
export type WidgetErrorCode = keyof typeof WIDGET_ERRORS;

/** Every widget error code, in table order. */
export const WIDGET_ERROR_CODES = Object.keys(WIDGET_ERRORS) as WidgetErrorCode[];

/** Error with a stable `code` (see `WIDGET_ERRORS`) and an optional `cause`. */
export class WidgetError extends Error {
  /** Stable code. */
  readonly code: WidgetErrorCode;
  constructor(code: WidgetErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${WIDGET_ERRORS[code]} ${detail}` : WIDGET_ERRORS[code], options);
    this.name = 'WidgetError';
    this.code = code;
  }
}
