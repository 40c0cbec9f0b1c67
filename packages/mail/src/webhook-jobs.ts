import type { JobSite, TechnicalData, TranscriptJob } from './jobs.js';

// The contract between the relay and the dispatcher for webhooks: what an event carries.
// Each event carries only what its receiver needs (README "Webhooks"): `chat.started` no text.

/** The events a site can subscribe a webhook to. */
export const WEBHOOK_EVENTS = ['chat.started', 'chat.ended', 'offline.message'] as const;

/** One webhook event name. */
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where one webhook goes: from the site's configuration only. */
export interface WebhookTarget {
  /** `http:` or `https:` URL; redirects are never followed. */
  url: string;
  /** Shared secret of the HMAC signature (`Conduit-Signature`). */
  secret: string;
  /** Allow private, loopback and link-local addresses (off by default: SSRF). */
  allowPrivate?: boolean;
}

/** `chat.started`: a visitor's first message opened a chat. No message text, no visitor data. */
export interface ChatStartedData {
  /** Opaque chat id (not the session id): the same in the chat's `chat.ended`. */
  chat: string;
  /** Epoch milliseconds of the opening message. */
  at: number;
}

/**
 * `chat.ended`: the transcript as JSON, the same content the transcript mail holds (its
 * `truncated` also counts messages cut by the webhook body-size bound).
 */
export type ChatEndedData = { chat: string } & Omit<TranscriptJob, 'kind' | 'id' | 'site' | 'to'>;

/** `offline.message`: a message left while no operator was online. */
export interface OfflineMessageData {
  name: string;
  email: string;
  text: string;
  page?: { url: string; title: string };
  tech?: TechnicalData;
  at: number;
}

/** What each event carries. */
export interface WebhookData {
  'chat.started': ChatStartedData;
  'chat.ended': ChatEndedData;
  'offline.message': OfflineMessageData;
}

/** One event for one target; the dispatcher renders, signs, sends and forgets it. */
export type WebhookJob = {
  [E in WebhookEvent]: {
    kind: 'webhook';
    event: E;
    /** Unique per event and stable across retries: sent as `id` so a receiver can dedupe. */
    id: string;
    site: JobSite;
    target: WebhookTarget;
    data: WebhookData[E];
  };
}[WebhookEvent];
