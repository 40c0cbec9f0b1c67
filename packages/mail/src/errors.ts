/**
 * Stable error codes of the mail package. Codes never change meaning; messages are for people.
 * Transport failures carry one of the `send_*` codes. A refused job is not an error but a
 * `DispatchResult` with `reason: 'invalid' | 'queue_full' | 'closed'` (see jobs.ts).
 */
export const MAIL_ERROR_CODES = {
  invalid_config: 'Mail configuration is invalid (from address, SMTP URL, limits or retry).',
  send_permanent:
    'The receiver rejected the message for good (SMTP 5xx; webhook 3xx, 4xx or a refused address).',
  send_transient:
    'The receiver or the network failed for now (SMTP 4xx; webhook 5xx; refused, timeout).',
  send_ambiguous: 'The connection was lost after the message data was sent; it may have arrived.',
} as const;

/** One of the stable mail error codes. */
export type MailErrorCode = keyof typeof MAIL_ERROR_CODES;

/** Every mail error code, in table order. */
export const MAIL_ERROR_CODE_LIST = Object.keys(MAIL_ERROR_CODES) as MailErrorCode[];

/** Base error of the mail package: a stable `code`, a human message, an optional `cause`. */
export class MailError extends Error {
  /** Stable string code from `MAIL_ERROR_CODES`. */
  readonly code: MailErrorCode;

  constructor(code: MailErrorCode, message: string = MAIL_ERROR_CODES[code], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MailError';
    this.code = code;
  }
}

/** How a failed send should be treated: never again, again later, or at most once more. */
export type FailureKind = 'permanent' | 'transient' | 'ambiguous';

/**
 * A failed send, as a transport reports it. `detail` is a content-free code for logs: the SMTP
 * reply code (e.g. `451`), a webhook's HTTP status (`http_503`), `private_address`, or the network
 * error code (e.g. `ECONNREFUSED`) — never the reply text, which can quote addresses.
 */
export class SendError extends MailError {
  /** What the dispatcher does about it. */
  readonly kind: FailureKind;
  /** SMTP reply code when the server answered. */
  readonly smtpCode: number | undefined;
  /** Content-free code for logs. */
  readonly detail: string;

  constructor(kind: FailureKind, detail: string, smtpCode?: number, cause?: unknown) {
    const code = `send_${kind}` as const;
    super(code, `${MAIL_ERROR_CODES[code]} (${detail})`, cause);
    this.name = 'SendError';
    this.kind = kind;
    this.detail = detail;
    this.smtpCode = smtpCode;
  }
}
