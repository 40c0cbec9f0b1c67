import { Writable } from 'node:stream';
import type { Dispatcher, DispatcherStats, MailJob } from '@conduit-chat/mail';
import { startSmtpServer, type TestSmtpOptions } from '@conduit-chat/mail/test-smtp-server';
import type { ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import type { RelayConfigInput } from './config.js';
import { hashOperatorKey } from './operator-key.js';
import { type Relay, type RelayDeps, startRelay } from './relay.js';
import { createTechLookup, type TechLookup } from './tech.js';
import type { TransportName } from './transport/transport.js';

// One technical-data lookup per test file (loading the country database takes a moment).
let sharedTech: Promise<TechLookup> | null = null;

// Test helpers: a relay on 127.0.0.1:0 with captured logs and a recording dispatcher, and a
// small frame-queue client on `ws`.

/** Both transports: every endpoint test runs on each. */
export const TRANSPORTS: TransportName[] = ['uws', 'ws'];

export const ORIGIN = 'https://acme.example';
export const OTHER_ORIGIN = 'https://other.example';
export const KEY = 'ck_test_acme_operator_key_0123456789';
export const KEY_B = 'ck_test_acme_operator_key_bob_987654';
export const OTHER_KEY = 'ck_test_other_operator_key_abcdef012';

/** A dispatcher that records jobs (and can be told to refuse). */
export function recordingDispatcher() {
  const jobs: MailJob[] = [];
  const stats: DispatcherStats = { pending: 0, inFlight: 0, sent: 0, retried: 0, dropped: 0 };
  let drains = 0;
  const dispatcher: Dispatcher & { jobs: MailJob[]; drains: () => number } = {
    jobs,
    drains: () => drains,
    dispatch(job) {
      jobs.push(structuredClone(job));
      stats.sent++;
      return { accepted: true };
    },
    async drain() {
      drains++;
      return { drained: true, pending: 0 };
    },
    stats: () => ({ ...stats }),
    close: async () => {},
  };
  return dispatcher;
}

/** Two sites: `acme` (on-load, transcripts, offline) and `other`. */
export function testConfig(transport: TransportName, extra: Partial<RelayConfigInput> = {}) {
  return {
    host: '127.0.0.1',
    port: 0,
    transport,
    session: { graceMs: 60_000 },
    sites: [
      {
        id: 'acme',
        name: 'Acme',
        origins: [ORIGIN],
        operators: [
          { id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) },
          { id: 'bob', name: 'Bob', key: hashOperatorKey(KEY_B) },
        ],
        transcripts: { to: ['support@acme.example'] },
        offline: { to: ['support@acme.example'] },
        connect: 'on-load' as const,
        anonymizeIp: false,
        canned: [{ shortcut: 'hi', text: 'Hello there' }],
      },
      {
        id: 'other',
        name: 'Other',
        origins: [OTHER_ORIGIN],
        operators: [{ id: 'olga', name: 'Olga', key: hashOperatorKey(OTHER_KEY) }],
      },
    ],
    ...extra,
  } satisfies RelayConfigInput;
}

/** A started relay with its captured log text and recorded mail. */
export async function startTestRelay(
  transport: TransportName,
  extra: Partial<RelayConfigInput> = {},
  deps: RelayDeps = {},
) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const dispatcher = recordingDispatcher();
  sharedTech ??= createTechLookup();
  const relay: Relay = await startRelay(testConfig(transport, extra), {
    dispatcher,
    logger,
    tech: await sharedTech,
    ...deps,
  });
  const ws = relay.url.replace('http', 'ws');
  return {
    relay,
    dispatcher,
    logs: () => lines.join(''),
    visitorUrl: (site = 'acme') => `${ws}/v1/visitor?site=${site}`,
    operatorUrl: (site = 'acme') => `${ws}/v1/operator?site=${site}`,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field in tests
type Frame = Record<string, any>;

/** A WebSocket client that queues frames and lets a test await the next one of a type. */
export class TestClient {
  readonly ws: WebSocket;
  private readonly frames: Frame[] = [];
  private waiter: (() => void) | null = null;
  readonly closed: Promise<{ code: number }>;
  closeCode: number | null = null;

  constructor(url: string, origin: string | null = ORIGIN, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, origin ? { origin, headers } : { headers });
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.waiter?.();
    });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        this.closeCode = code;
        this.waiter?.();
        resolve({ code });
      }),
    );
  }

  /** Resolves once open; rejects with the HTTP status when the upgrade is refused. */
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
      this.ws.once('close', () => reject(new Error('closed')));
    });
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame of type `t` (skipping and discarding none: others stay queued). */
  async next(
    t: string,
    match: (f: Frame) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.t === t && match(f));
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) waiting for ${t}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${t}; have ${JSON.stringify(this.frames.map((f) => f.t))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
    }
  }

  /** Frames still queued, of type `t` (or all). */
  queued(t?: string): Frame[] {
    return this.frames.filter((f) => t === undefined || f.t === t);
  }

  /** Round trip: every frame the relay sent before the pong has arrived. */
  async settle(): Promise<void> {
    this.send({ t: 'ping' });
    await this.next('pong');
  }

  close(code = 1000): Promise<{ code: number }> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code);
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    return this.closed;
  }
}

/** A hello frame as the widget sends it. */
export function hello(extra: Frame = {}): Frame {
  return {
    t: 'hello',
    v: 1,
    page: {
      url: 'https://acme.example/shop?utm=x',
      title: 'Shop',
      referrer: 'https://search.example/?q=secret',
    },
    client: { lang: 'en-GB', tz: 'Europe/London', screen: { w: 1440, h: 900 } },
    ...extra,
  };
}

/** Opens a visitor and completes hello; returns the client and its welcome frame. */
export async function visitor(url: string, extra: Frame = {}, origin = ORIGIN) {
  const client = new TestClient(url, origin);
  await client.opened();
  client.send(hello(extra));
  const welcome = await client.next('welcome');
  return { client, welcome };
}

/** Opens an operator and authenticates; returns the client and its ready frame. */
export async function operator(url: string, key = KEY, origin = ORIGIN) {
  const client = new TestClient(url, origin);
  await client.opened();
  client.send({ t: 'auth', v: 1, key });
  const ready = await client.next('ready');
  return { client, ready };
}

/** Cleanups a test registers (relays, clients, servers), run newest first after each test. */
export function cleanupAfterEach(): Array<() => Promise<unknown>> {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** `startTestRelay` on `transport` for each test, closed after it; `cleanups` takes more. */
export function relaysPerTest(transport: TransportName) {
  const cleanups = cleanupAfterEach();
  async function start(extra: Partial<RelayConfigInput> = {}) {
    const t = await startTestRelay(transport, extra);
    cleanups.push(() => t.relay.close());
    return t;
  }
  return { cleanups, start };
}

/**
 * A real SMTP server on 127.0.0.1:0 (the mail package's `startSmtpServer`), seen as the relay
 * tests read it: each message's recipients and parsed mail, and `next()` for the next one.
 */
export async function smtpServer(options: TestSmtpOptions = {}) {
  const server = await startSmtpServer(options);
  return {
    url: server.url,
    get received(): Array<{ to: string[]; mail: ParsedMail }> {
      return server.received.map((r) => ({ to: r.envelopeTo, mail: r.mail }));
    },
    next: () => server.waitFor(server.received.length + 1),
    close: () => server.close(),
  };
}
