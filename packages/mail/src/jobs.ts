import type { WebhookJob } from './webhook-jobs.js';

// The contract between the relay and the mail dispatcher: what a job holds. The relay builds
// these from a session (or an offline message); the dispatcher renders, sends and forgets them.

/** Technical data about a visitor, as the relay collected it (docs/architecture.md "Session lifecycle"). */
export interface TechnicalData {
  /** Omitted when the site anonymises IPs (`anonymizeIp`): then it never reaches mail. */
  ip?: string;
  country?: string;
  city?: string;
  browser: string;
  os: string;
  device: string;
  lang: string;
  tz: string;
  screen?: { w: number; h: number };
  /** Referrer URL as received (may be ''). */
  referrer: string;
  /** Pages viewed in this session, oldest first (URL without query unless the site opts in). */
  pages: { url: string; title: string; at: number }[];
}

/** One line of a transcript. `system` lines are notes such as "Ada joined". */
export interface TranscriptMessage {
  from: 'visitor' | 'operator' | 'system';
  name?: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
}

/** The site a job belongs to; recipients come only from its configuration. */
export interface JobSite {
  id: string;
  name: string;
}

/** A finished chat, to be e-mailed to the site's transcript recipients. */
export interface TranscriptJob {
  kind: 'transcript';
  /** Unique per job and stable across retries (the session id): the Message-ID derives from it. */
  id: string;
  site: JobSite;
  /** From the site's configuration only (`transcripts.to`). */
  to: string[];
  visitor: { name?: string; email?: string; custom?: Record<string, string | number | boolean> };
  tech: TechnicalData;
  messages: TranscriptMessage[];
  /** Messages dropped from the start of the chat by the relay's history cap (0 when none). */
  truncated: number;
  /** Names of the operators who took part. */
  operators: string[];
  startedAt: number;
  endedAt: number;
  /** Why the chat ended: 'visitor' | 'operator' | 'expired' | 'shutdown' | … */
  endReason: string;
}

/** A message left while no operator was online, to be e-mailed to `offline.to`. */
export interface OfflineJob {
  kind: 'offline';
  /** Unique per job and stable across retries: the Message-ID derives from it. */
  id: string;
  site: JobSite;
  /** From the site's configuration only (`offline.to`). */
  to: string[];
  name: string;
  /** Already validated by the relay; the dispatcher validates again before using it as Reply-To. */
  email: string;
  text: string;
  page?: { url: string; title: string };
  tech?: TechnicalData;
  at: number;
}

/** Anything the dispatcher sends. */
export type MailJob = TranscriptJob | OfflineJob;

/** Result of `dispatch`: accepted into the queue, or refused at once (nothing held). */
export type DispatchResult =
  | { accepted: true }
  | { accepted: false; reason: 'queue_full' | 'closed' | 'invalid'; message: string };

/** Counters and gauges of a dispatcher (content-free). */
export interface DispatcherStats {
  /** Jobs held now (queued, in flight, or waiting for a retry). */
  pending: number;
  inFlight: number;
  sent: number;
  retried: number;
  dropped: number;
  /** Jobs refused by `dispatch` (invalid, queue full, closed). Optional: added after v0.1. */
  refused?: number;
  /** Bytes of rendered mail held now. Optional: added after v0.1. */
  bytes?: number;
}

/** What the relay needs of a mail dispatcher; `createDispatcher` returns one. */
export interface Dispatcher {
  dispatch(job: MailJob): DispatchResult;
  /**
   * Queues a webhook like a mail (same retry policy, same delete-after-delivery rule). Optional:
   * added after v0.1; a dispatcher without it delivers no webhooks.
   */
  dispatchWebhook?(job: WebhookJob): DispatchResult;
  /** Resolves once nothing is pending or `timeoutMs` passed; `pending` is what is left. */
  drain(timeoutMs: number): Promise<{ drained: boolean; pending: number }>;
  stats(): DispatcherStats;
  close(): Promise<void>;
}
