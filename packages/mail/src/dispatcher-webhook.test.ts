import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type QueueLimits } from './create-dispatcher.js';
import type { Dispatcher } from './jobs.js';
import { logTransport } from './log-transport.js';
import type { MailLogger } from './mail-logger.js';
import type { RetryOptions } from './retry-policy.js';
import { collected } from './test-gc.js';
import { sampleChatEnded, sampleTech, WEBHOOK_SECRET } from './test-jobs.js';
import { selfSignedCertificate } from './test-smtp-server.js';
import {
  startWebhookReceiver,
  type TestWebhookReceiver,
  type WebhookReply,
} from './test-webhook-receiver.js';
import type { OutgoingWebhook, WebhookTransport } from './transport.js';
import type { WebhookJob } from './webhook-jobs.js';
import { verifyWebhookSignature } from './webhook-signature.js';
import { webhookTransport } from './webhook-transport.js';

// Webhooks through the mail dispatcher's queue, end to end: a real `node:http` receiver on
// 127.0.0.1 reads what arrives. Retry delays are milliseconds here.

const fastRetry: Partial<RetryOptions> = { baseDelayMs: 20, maxDelayMs: 100, maxTotalMs: 5000 };

const cleanups: (() => Promise<void>)[] = [];
const dispatchers: Dispatcher[] = [];

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) {
    await dispatcher.close();
    expect(dispatcher.stats()).toMatchObject({ pending: 0, inFlight: 0, bytes: 0 });
  }
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function receiver(
  reply?: (index: number) => WebhookReply,
  tls?: { key: string; cert: string },
): Promise<TestWebhookReceiver> {
  const started = await startWebhookReceiver(reply, tls);
  cleanups.push(() => started.close());
  return started;
}

interface Options {
  retry?: Partial<RetryOptions>;
  limits?: Partial<QueueLimits>;
  timeoutMs?: number;
  allowAddress?: (address: string) => boolean;
  ca?: string;
  wrap?: (transport: WebhookTransport) => WebhookTransport;
}

function dispatcherFor(options: Options = {}) {
  const lines: string[] = [];
  const logger: MailLogger = {
    info: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
    warn: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
    error: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
  };
  const webhooks = webhookTransport({
    timeoutMs: options.timeoutMs ?? 2000,
    ...(options.allowAddress ? { allowAddress: options.allowAddress } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
  });
  const dispatcher = createDispatcher({
    transport: logTransport({ dev: false, write: () => {} }),
    webhooks: options.wrap ? options.wrap(webhooks) : webhooks,
    from: 'Conduit Chat <chat@acme.example>',
    retry: options.retry ?? fastRetry,
    ...(options.limits ? { limits: options.limits } : {}),
    logger,
  });
  dispatchers.push(dispatcher);
  const send = (job: WebhookJob) => dispatcher.dispatchWebhook!(job);
  return { dispatcher, lines, send };
}

const msgs = (lines: string[]) => lines.map((line) => JSON.parse(line).msg);

describe('webhooks through the dispatcher', () => {
  it('16.6: posts a JSON body whose Conduit-Signature verifies with the site secret', async () => {
    const hook = await receiver();
    const { dispatcher, send } = dispatcherFor();
    expect(send(sampleChatEnded(hook.url))).toEqual({ accepted: true });
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    const got = hook.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hook');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['conduit-event']).toBe('chat.ended');
    const header = got.headers['conduit-signature'];
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(got.body, header, WEBHOOK_SECRET)).toBe(true);
    expect(verifyWebhookSignature(got.body, header, 'another-secret')).toBe(false);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      id: 'evt_chat_ended_1',
      event: 'chat.ended',
      site: { id: 'acme', name: 'Acme' },
      data: { chat: 'c0ffee00c0ffee00c0ffee00c0ffee00', truncated: 0, endReason: 'visitor' },
    });
    expect(body.data.messages.map((m: { text: string }) => m.text)).toEqual([
      'Hello, is the pro plan yearly?',
      'Bob joined',
      'Hi Ada!\nYes, it is.',
    ]);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 0, dropped: 0 });
  });

  it('16.6: posts over https with the certificate verified (an untrusted one is never sent to)', async () => {
    const pem = selfSignedCertificate();
    const hook = await receiver(undefined, pem);
    const trusting = dispatcherFor({ ca: pem.cert });
    trusting.send(sampleChatEnded(hook.url));
    expect(await trusting.dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(
      verifyWebhookSignature(
        hook.received[0]!.body,
        hook.received[0]!.headers['conduit-signature'],
        WEBHOOK_SECRET,
      ),
    ).toBe(true);
    // Without the CA the self-signed certificate is refused before any byte of the body leaves.
    const strict = dispatcherFor({ retry: { ...fastRetry, maxAttempts: 2 } });
    strict.send(sampleChatEnded(hook.url));
    expect(await strict.dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(strict.dispatcher.stats()).toMatchObject({ sent: 0, dropped: 1 });
    expect(JSON.parse(strict.lines.at(-1)!)).toMatchObject({ reason: 'attempts' });
    expect(JSON.parse(strict.lines.at(-1)!).code).toMatch(/SELF_SIGNED|CERT|UNABLE/);
  });

  it('16.6: retries after a 503 and delivers the same event on the next attempt', async () => {
    const hook = await receiver((i) => (i === 0 ? 503 : 204));
    const { dispatcher, send, lines } = dispatcherFor();
    send(sampleChatEnded(hook.url));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body).toBe(hook.received[0]!.body);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, dropped: 0 });
    expect(msgs(lines)).toEqual(['webhook retry', 'webhook sent']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'webhook', code: 'http_503' });
  });

  it('16.6: retries on a network error (nothing listening) and drops within the bound', async () => {
    const hook = await receiver();
    const url = hook.url;
    await hook.close();
    const { dispatcher, send, lines } = dispatcherFor({
      retry: { ...fastRetry, maxAttempts: 3 },
    });
    send(sampleChatEnded(url));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 2, dropped: 1 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      msg: 'webhook dropped',
      code: 'ECONNREFUSED',
      reason: 'attempts',
    });
  });

  it('16.6: drops a 400 at once, without a retry', async () => {
    const hook = await receiver(() => 400);
    const { dispatcher, send, lines } = dispatcherFor();
    send(sampleChatEnded(hook.url));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 0, dropped: 1 });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'webhook dropped',
      code: 'http_400',
      reason: 'permanent',
    });
  });

  it('16.6: does not follow a redirect: the target never sees the event', async () => {
    const target = await receiver();
    const hook = await receiver(() => ({ status: 307, headers: { location: target.url } }));
    const { dispatcher, send } = dispatcherFor();
    send(sampleChatEnded(hook.url));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 0, dropped: 1 });
  });

  it('16.6, B23: refuses a loopback address, literal or resolved, unless the site allows private ones', async () => {
    const hook = await receiver();
    const { dispatcher, send, lines } = dispatcherFor();
    send(sampleChatEnded(hook.url, { allowPrivate: false }));
    send(sampleChatEnded(`http://localhost:${hook.port}/hook`, { allowPrivate: false }));
    send(sampleChatEnded(`http://[::ffff:127.0.0.1]:${hook.port}/hook`, { allowPrivate: false }));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(0);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 0, dropped: 3 });
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ code: 'private_address', reason: 'permanent' });
    }
    // Control: the same receiver is reachable once allowed.
    send(sampleChatEnded(`http://localhost:${hook.port}/hook`, { allowPrivate: true }));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
  });

  it('16.6: connects a resolved name only to the address it checked', async () => {
    const hook = await receiver();
    // A policy that allows 127.0.0.1 alone: `localhost` resolves to it and goes through the
    // checked lookup (not allowPrivate's plain one), and the request arrives.
    const { dispatcher, send } = dispatcherFor({ allowAddress: (a) => a === '127.0.0.1' });
    send(sampleChatEnded(`http://localhost:${hook.port}/hook`, { allowPrivate: false }));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers.host).toBe(`localhost:${hook.port}`);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, dropped: 0 });
  });

  it('16.6: bounds the body: a long transcript loses its oldest lines, an oversized event is refused', async () => {
    const hook = await receiver();
    const maxWebhookBodyBytes = 4096;
    const { dispatcher, send } = dispatcherFor({ limits: { maxWebhookBodyBytes } });
    const job = sampleChatEnded(hook.url);
    if (job.event !== 'chat.ended') throw new Error('sample is chat.ended');
    job.data.messages = Array.from({ length: 200 }, (_, i) => ({
      from: 'visitor' as const,
      text: `line ${i} ${'x'.repeat(40)}`,
      at: i,
    }));
    expect(send(job)).toEqual({ accepted: true });
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    const got = hook.received[0]!;
    expect(Buffer.byteLength(got.body)).toBeLessThanOrEqual(maxWebhookBodyBytes);
    const data = JSON.parse(got.body).data;
    expect(data.messages.at(-1).text).toMatch(/^line 199 /);
    expect(data.truncated + data.messages.length).toBe(200);
    expect(data.truncated).toBeGreaterThan(100);
    const offline: WebhookJob = {
      kind: 'webhook',
      event: 'offline.message',
      id: 'evt_offline_1',
      site: { id: 'acme', name: 'Acme' },
      target: { url: hook.url, secret: WEBHOOK_SECRET, allowPrivate: true },
      data: { name: 'Ada', email: 'ada@visitor.example', text: 'y'.repeat(5000), at: 1 },
    };
    expect(send(offline)).toMatchObject({ accepted: false, reason: 'invalid' });
    expect(dispatcher.stats()).toMatchObject({ pending: 0, refused: 1 });
  });

  it('16.6: bounds each attempt in time: a receiver that never answers is given up on', async () => {
    const hook = await receiver(() => 'hang');
    const { dispatcher, send, lines } = dispatcherFor({ timeoutMs: 150 });
    send(sampleChatEnded(hook.url));
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    // The body was sent, so the event may have arrived: one resend at most, as for mail (F10).
    expect(hook.received).toHaveLength(2);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 1, dropped: 1 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ code: 'ETIMEDOUT', reason: 'ambiguous' });
  });

  it('16.6, F12: holds the webhook while a retry waits and no reference once it is delivered', async () => {
    const hook = await receiver((i) => (i === 0 ? 503 : 200));
    let ref: WeakRef<OutgoingWebhook> | undefined;
    const spy = (inner: WebhookTransport): WebhookTransport => ({
      name: inner.name,
      send(item) {
        ref ??= new WeakRef(item);
        return inner.send(item);
      },
      close: () => inner.close(),
    });
    const { dispatcher, send } = dispatcherFor({
      retry: { ...fastRetry, baseDelayMs: 60_000 },
      wrap: spy,
    });
    let jobRef: WeakRef<WebhookJob> | undefined;
    (() => {
      const job = sampleChatEnded(hook.url);
      jobRef = new WeakRef(job);
      send(job);
    })();
    await hook.waitFor(1);
    await until(() => dispatcher.stats().retried === 1);
    // Control: while the retry waits, the rendered webhook is held (so the check below can fail).
    expect(await collected(ref!)).toBe(false);
    expect(await collected(jobRef!)).toBe(true);
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(hook.received).toHaveLength(2);
    expect(await collected(ref!)).toBe(true);
    expect(dispatcher.stats()).toMatchObject({ pending: 0, inFlight: 0, bytes: 0, sent: 1 });
  });

  it('16.6: writes content-free log lines: no URL, secret, names or text', async () => {
    const hook = await receiver((i) => (i === 0 ? 500 : 200));
    const { dispatcher, send, lines } = dispatcherFor();
    const job = sampleChatEnded(hook.url);
    send(job);
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    const text = lines.join('\n');
    for (const secret of [
      String(hook.port),
      '/hook',
      WEBHOOK_SECRET,
      'Ada',
      'pro plan',
      sampleTech().ip!,
      job.id,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('16.6: keeps webhooks to their share of the queue, so transcripts keep room', async () => {
    const hook = await receiver(() => 'hang');
    const { send, dispatcher } = dispatcherFor({ limits: { maxJobs: 8 } });
    const results = Array.from({ length: 3 }, () => send(sampleChatEnded(hook.url)).accepted);
    expect(results).toEqual([true, true, false]);
    expect(dispatcher.stats()).toMatchObject({ pending: 2, refused: 1 });
  });
});

/** Waits (bounded) for a condition that real I/O will make true. */
async function until(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
