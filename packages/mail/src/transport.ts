import type { MailAddress } from './email-address.js';
import type { MailJob } from './jobs.js';
import type { WebhookEvent } from './webhook-jobs.js';

/**
 * A mail ready to leave: headers already cleaned and validated, bodies rendered. It holds the
 * content of a job; the dispatcher drops its only reference once the mail is sent or dropped.
 */
export interface OutgoingMail {
  kind: MailJob['kind'];
  /** Short, non-reversible job reference for logs (see `jobRef`). */
  ref: string;
  /** The site's configured id (configuration, not visitor data). */
  siteId: string;
  from: MailAddress;
  /** The site's configured recipients, each checked by `isStrictEmail`. */
  to: string[];
  /** The visitor's address, only when `isStrictEmail` accepted it (SECURITY.md B7). */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Deterministic per job, so a resend is recognisable as a duplicate (F10). */
  messageId: string;
  /** UTF-8 size of subject, text and HTML: what the queue counts against `maxBytes`. */
  bytes: number;
}

/** What a transport reports for an accepted mail. */
export interface SendReceipt {
  /** The SMTP reply code (250) or HTTP status (webhooks); undefined for transports without one. */
  code: number | undefined;
}

/**
 * Where mail goes: SMTP or the log. `send` resolves once the mail is accepted and rejects with
 * a `SendError` (permanent, transient or ambiguous) otherwise; it must not keep a reference to
 * the mail after it settles. `close` releases connections; later sends reject.
 */
export interface MailTransport {
  /** 'smtp' or 'log', for logs and health output. */
  readonly name: string;
  send(mail: OutgoingMail): Promise<SendReceipt>;
  close(): Promise<void>;
}

/**
 * A webhook ready to leave: the JSON body rendered and bounded, the target from the site's
 * configuration. Signed at each attempt (the signature's time is the attempt's).
 */
export interface OutgoingWebhook {
  kind: 'webhook';
  /** Short, non-reversible job reference for logs (see `jobRef`). */
  ref: string;
  siteId: string;
  event: WebhookEvent;
  url: string;
  secret: string;
  allowPrivate: boolean;
  body: string;
  /** UTF-8 size of `body`: what the queue counts against `maxBytes`. */
  bytes: number;
}

/**
 * Where webhooks go: `send` resolves on a 2xx reply and rejects with a `SendError` otherwise
 * (permanent: 3xx, 4xx, refused address; transient: 5xx, network, time-out); it must not keep a
 * reference to the webhook after it settles. `close` aborts requests in flight.
 */
export interface WebhookTransport {
  readonly name: string;
  send(hook: OutgoingWebhook): Promise<SendReceipt>;
  close(): Promise<void>;
}
