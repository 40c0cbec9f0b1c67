// Sample jobs for tests and the benchmark (excluded from the build by the `test-*` pattern).
import type { OfflineJob, TechnicalData, TranscriptJob } from './jobs.js';
import type { WebhookJob, WebhookTarget } from './webhook-jobs.js';

const T0 = Date.UTC(2026, 10, 29, 15, 0, 0);

/** Technical data as the relay sends it for a site that does not anonymise IPs. */
export function sampleTech(overrides: Partial<TechnicalData> = {}): TechnicalData {
  return {
    ip: '203.0.113.7',
    country: 'Portugal',
    city: 'Lisbon',
    browser: 'Firefox 140',
    os: 'Linux',
    device: 'desktop',
    lang: 'pt-PT',
    tz: 'Europe/Lisbon',
    screen: { w: 1920, h: 1080 },
    referrer: 'https://search.example/?q=acme',
    pages: [
      { url: 'https://acme.example/', title: 'Acme home', at: T0 },
      { url: 'https://acme.example/pricing', title: 'Pricing', at: T0 + 30_000 },
    ],
    ...overrides,
  };
}

/** A short finished chat between visitor Ada and operator Bob. */
export function sampleTranscript(overrides: Partial<TranscriptJob> = {}): TranscriptJob {
  return {
    kind: 'transcript',
    id: 'sess_V1StGXR8_Z5jdHi6B',
    site: { id: 'acme', name: 'Acme' },
    to: ['support@acme.example'],
    visitor: { name: 'Ada', email: 'ada@visitor.example', custom: { plan: 'pro', seats: 3 } },
    tech: sampleTech(),
    messages: [
      { from: 'visitor', name: 'Ada', text: 'Hello, is the pro plan yearly?', at: T0 + 60_000 },
      { from: 'system', text: 'Bob joined', at: T0 + 61_000 },
      { from: 'operator', name: 'Bob', text: 'Hi Ada!\nYes, it is.', at: T0 + 65_000 },
    ],
    truncated: 0,
    operators: ['Bob'],
    startedAt: T0,
    endedAt: T0 + 120_000,
    endReason: 'visitor',
    ...overrides,
  };
}

/** An offline message from Ada. */
export function sampleOffline(overrides: Partial<OfflineJob> = {}): OfflineJob {
  return {
    kind: 'offline',
    id: 'off_4f90d13a42',
    site: { id: 'acme', name: 'Acme' },
    to: ['sales@acme.example', 'owner@acme.example'],
    name: 'Ada',
    email: 'ada@visitor.example',
    text: 'Please call me back about the invoice.\nThanks!',
    page: { url: 'https://acme.example/contact', title: 'Contact us' },
    at: T0,
    ...overrides,
  };
}

/** `sampleTranscript`'s chat as a `chat.ended` webhook to `url`. */
export function sampleChatEnded(url: string, overrides: Partial<WebhookTarget> = {}): WebhookJob {
  const { kind: _kind, id: _id, site: _site, to: _to, ...transcript } = sampleTranscript();
  return {
    kind: 'webhook',
    event: 'chat.ended',
    id: 'evt_chat_ended_1',
    site: { id: 'acme', name: 'Acme' },
    target: { url, secret: WEBHOOK_SECRET, allowPrivate: true, ...overrides },
    data: { chat: 'c0ffee00c0ffee00c0ffee00c0ffee00', ...transcript },
  };
}

/** The secret of the sample webhooks. */
export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
