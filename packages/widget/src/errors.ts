/**
 * Stable error codes of the widget, emitted as `error` events (`chat.on('error', …)`) and
 * carried by `WidgetError`. Their meanings are in the README ("Error codes"); codes never
 * change meaning. (No message table in the bundle: every byte ships to every visitor.)
 */
export const WIDGET_ERROR_CODES = [
  'bad_option',
  'bad_state',
  'outbox_full',
  'too_long',
  'closed',
  'refused',
  'load_failed',
  'ssr',
] as const;

/** One of the widget's stable error codes. */
export type WidgetErrorCode = (typeof WIDGET_ERROR_CODES)[number];

/** Error with a stable `code` (see `WIDGET_ERROR_CODES`), a detail and an optional `cause`. */
export class WidgetError extends Error {
  /** Stable code. */
  readonly code: WidgetErrorCode;
  constructor(code: WidgetErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.name = 'WidgetError';
    this.code = code;
  }
}
