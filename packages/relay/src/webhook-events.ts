import { createHash } from 'node:crypto';
import type {
  OfflineJob,
  TechnicalData,
  TranscriptJob,
  WebhookData,
  WebhookEvent,
  WebhookJob,
} from '@conduit-chat/mail';
import type { EndReason } from '@conduit-chat/protocol';
import { nanoid } from 'nanoid';
import type { SiteConfig } from './config.js';
import { chatTranscript, type OfflineInput, offlineJob, offlineMessage } from './mail-jobs.js';
import type { Session } from './session-store.js';

// Builds the webhook jobs of an event for a site's configured targets (packages/mail README
// "Webhooks"), beside the mail job of the same event. What each event carries: `chat.started`
// an opaque chat id and a time (no text, no visitor data), `chat.ended` the transcript the mail
// carries, `offline.message` the offline message.

/**
 * The chat id a receiver sees: derived from the session id, never the id itself, so nothing in
 * a webhook can be used on the relay's wire; the same in `chat.started` and `chat.ended`.
 */
export function webhookChatId(sessionId: string): string {
  const digest = createHash('sha256').update(`conduit-webhook-chat:${sessionId}`).digest('hex');
  return digest.slice(0, 32);
}

/** One job per target of `site` subscribed to `event`; `data` is built only when one is. */
export function webhookJobs<E extends WebhookEvent>(
  site: SiteConfig,
  event: E,
  data: () => WebhookData[E],
): WebhookJob[] {
  const targets = site.webhooks.filter((hook) => hook.events.includes(event));
  if (targets.length === 0) return [];
  // One event id for every target: a receiver behind two URLs can dedupe.
  const id = `evt_${nanoid()}`;
  const shared = data();
  return targets.map(
    (hook) =>
      ({
        kind: 'webhook',
        event,
        id,
        site: { id: site.id, name: site.name },
        target: { url: hook.url, secret: hook.secret, allowPrivate: hook.allowPrivate },
        data: shared,
      }) as WebhookJob,
  );
}

/** `chat.started`, when a visitor's first message opened the chat. */
export function chatStartedJobs(site: SiteConfig, sessionId: string, at: number): WebhookJob[] {
  return webhookJobs(site, 'chat.started', () => ({ chat: webhookChatId(sessionId), at }));
}

/** What ending a chat sends: the transcript mail and the `chat.ended` webhooks. */
export interface EndedJobs {
  mail: TranscriptJob | null;
  hooks: WebhookJob[];
}

/** The transcript mail (when the site wants one) and `chat.ended` (when anything was said). */
export function chatEndedJobs(
  session: Session<unknown>,
  site: SiteConfig,
  reason: EndReason,
  endedAt: number,
): EndedJobs {
  const transcript = chatTranscript(session, site, reason, endedAt);
  if (!transcript) return { mail: null, hooks: [] };
  const mail = site.transcripts ? { ...transcript, to: [...site.transcripts.to] } : null;
  const hooks = webhookJobs(site, 'chat.ended', () => ({
    chat: webhookChatId(session.id),
    visitor: transcript.visitor,
    tech: transcript.tech,
    messages: transcript.messages,
    truncated: transcript.truncated,
    operators: transcript.operators,
    startedAt: transcript.startedAt,
    endedAt: transcript.endedAt,
    endReason: transcript.endReason,
  }));
  return { mail, hooks };
}

/** What an offline message sends: the mail to `offline.to` and the `offline.message` webhooks. */
export interface OfflineJobs {
  mail: OfflineJob | null;
  hooks: WebhookJob[];
}

/** The offline mail (when the site has recipients) and the `offline.message` webhooks. */
export function offlineJobs(
  site: SiteConfig,
  message: OfflineInput,
  tech: TechnicalData | undefined,
  at: number,
): OfflineJobs {
  return {
    mail: offlineJob(site, message, tech, at),
    hooks: webhookJobs(site, 'offline.message', () => offlineMessage(site, message, tech, at)),
  };
}
