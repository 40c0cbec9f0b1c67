import { LIMITS } from '@conduit-chat/protocol';

/**
 * Named limits of the mail package, with their defaults. Field caps are the wire protocol's
 * `LIMITS` (the relay enforces them first); the mail package re-applies them so that a job from
 * any caller is bounded.
 */
export const MAIL_LIMITS = {
  /** Jobs held at once (queued, in flight, waiting for a retry); more are refused. */
  maxJobs: 1000,
  /** Bytes of rendered mail held at once; more are refused. */
  maxBytes: 64 * 1024 * 1024,
  /**
   * Share of `maxJobs` and `maxBytes` that offline messages may hold; the rest is kept for
   * transcripts, so a flood of offline messages never refuses a finished chat (issue #12.1).
   */
  offlineShare: 0.5,
  /** Share of `maxJobs` and `maxBytes` that webhooks may hold (so transcripts keep a quarter). */
  webhookShare: 0.25,
  /** One webhook's JSON body in bytes; a `chat.ended` transcript loses its oldest lines to fit. */
  maxWebhookBodyBytes: 1024 * 1024,
  /** Sends in flight at once (the SMTP pool queues the rest on its connections). */
  concurrency: 16,
  /** Recipients per job (from the site's configuration). */
  maxRecipients: 20,
  /** Transcript lines rendered; older ones are cut with an explicit marker (B24). */
  maxMessages: 2000,
  /** Rendered text + HTML body of one mail, in bytes; older lines are cut to fit (B24). */
  maxBodyBytes: 2 * 1024 * 1024,
  /** Chat or offline message text, in UTF-16 code units. */
  textChars: LIMITS.textChars,
  /** Visitor, operator or site name. */
  nameChars: LIMITS.nameChars,
  /** E-mail address (RFC 5321 path limit). */
  emailChars: LIMITS.emailChars,
  /** URL (page, referrer). */
  urlChars: LIMITS.urlChars,
  /** Page title. */
  titleChars: LIMITS.titleChars,
  /** Subject line. */
  subjectChars: 200,
  /** Custom info fields shown per visitor, and their key and value lengths. */
  customFields: LIMITS.customFields,
  customKeyChars: LIMITS.customKeyChars,
  customValueChars: LIMITS.customValueChars,
  /** Pages listed in the technical data (newest kept). */
  pages: 50,
  /** Job id and site id. */
  idChars: 128,
  /** Short technical values (browser, OS, device, language, time zone, country, city, IP). */
  shortChars: 120,
} as const;

/** The limit table's type. */
export type MailLimits = typeof MAIL_LIMITS;
