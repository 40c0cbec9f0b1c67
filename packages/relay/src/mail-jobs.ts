import type {
  OfflineJob,
  OfflineMessageData,
  TechnicalData,
  TranscriptJob,
  TranscriptMessage,
} from '@conduit-chat/mail';
import { type EndReason, pageUrl } from '@conduit-chat/protocol';
import { nanoid } from 'nanoid';
import type { SiteConfig } from './config.js';
import type { Session } from './session-store.js';

// Builds the jobs the mail dispatcher sends (packages/mail/src/jobs.ts). Recipients come from
// the site's configuration only; the IP is left out where the site anonymises IPs.

/** The technical data of a session as mail sees it. */
export function technicalData(session: Session<unknown>, site: SiteConfig): TechnicalData {
  const t = session.tech;
  const data: TechnicalData = {
    browser: t.browser,
    os: t.os,
    device: t.device,
    lang: t.lang,
    tz: t.tz,
    screen: { w: t.screenW, h: t.screenH },
    referrer: t.referrer,
    pages: session.pages.map((p) => ({ url: p.url, title: p.title, at: p.at })),
  };
  if (!site.anonymizeIp && t.ip) data.ip = t.ip;
  if (t.country) data.country = t.country;
  if (t.city) data.city = t.city;
  return data;
}

/** A transcript before it is addressed: what the mail and the `chat.ended` webhook carry. */
export type ChatTranscript = Omit<TranscriptJob, 'to'>;

/** The transcript of a finished chat, or null when nothing was said. */
export function chatTranscript(
  session: Session<unknown>,
  site: SiteConfig,
  reason: EndReason,
  endedAt: number,
): ChatTranscript | null {
  if (session.lastSeq === 0) return null;
  // Notes go after the message that was last when they were made (times can tie).
  const lines: TranscriptMessage[] = [];
  let n = 0;
  const notes = session.notes;
  for (const m of session.history?.after(0) ?? []) {
    for (; n < notes.length && (notes[n]?.afterSeq ?? 0) < m.seq; n++) {
      const note = notes[n];
      if (note) lines.push({ from: 'system', text: note.text, at: note.at });
    }
    const line: TranscriptMessage = { from: m.from, text: m.text, at: m.at };
    if (m.name !== undefined) line.name = m.name;
    lines.push(line);
  }
  for (const note of notes.slice(n)) lines.push({ from: 'system', text: note.text, at: note.at });
  const visitor: TranscriptJob['visitor'] = {};
  if (session.info.name) visitor.name = session.info.name;
  if (session.info.email) visitor.email = session.info.email;
  if (session.info.custom) visitor.custom = { ...session.info.custom };
  return {
    kind: 'transcript',
    id: session.id,
    site: { id: site.id, name: site.name },
    visitor,
    tech: technicalData(session, site),
    messages: lines,
    truncated: session.truncated,
    operators: [...session.participants],
    startedAt: session.startedAt,
    endedAt,
    endReason: reason,
  };
}

/** An offline message as the visitor left it (name, e-mail, text, page). */
export interface OfflineInput {
  name: string;
  email: string;
  text: string;
  page?: { url: string; title: string };
}

/** An offline message, or null when the site has no offline recipients. */
export function offlineJob(
  site: SiteConfig,
  message: OfflineInput,
  tech: TechnicalData | undefined,
  at: number,
): OfflineJob | null {
  if (!site.offline) return null;
  return {
    kind: 'offline',
    id: nanoid(),
    site: { id: site.id, name: site.name },
    to: [...site.offline.to],
    ...offlineMessage(site, message, tech, at),
  };
}

/** What an offline message carries, by mail or by the `offline.message` webhook. */
export function offlineMessage(
  site: SiteConfig,
  message: OfflineInput,
  tech: TechnicalData | undefined,
  at: number,
): OfflineMessageData {
  const job: OfflineMessageData = {
    name: message.name,
    email: message.email,
    text: message.text,
    at,
  };
  // Stripped here, where both paths meet: `POST /v1/offline` hands the page URL in as the
  // browser sent it (issue #12 item 8), while the socket path's pages are stripped already.
  if (message.page) {
    job.page = { url: pageUrl(message.page.url, site.keepQuery), title: message.page.title };
  }
  if (tech) job.tech = tech;
  return job;
}
