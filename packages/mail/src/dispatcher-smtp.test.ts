import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from './create-dispatcher.js';
import type { Dispatcher, MailJob } from './jobs.js';
import { MAIL_LIMITS } from './limits.js';
import type { MailLogger } from './mail-logger.js';
import type { RetryOptions } from './retry-policy.js';
import { smtpTransport } from './smtp-transport.js';
import { collected } from './test-gc.js';
import { foreignMarkup } from './test-html.js';
import { sampleOffline, sampleTech, sampleTranscript } from './test-jobs.js';
import {
  type Reply,
  reservePort,
  startDropper,
  startSmtpServer,
  type TestSmtpServer,
} from './test-smtp-server.js';
import type { MailTransport, OutgoingMail } from './transport.js';

// The dispatcher end to end: real smtp-server on 127.0.0.1, mail read back with mailparser,
// raw MIME and SMTP envelope checked. Retry delays are milliseconds here.

const fastRetry: Partial<RetryOptions> = { baseDelayMs: 20, maxDelayMs: 100, maxTotalMs: 5000 };
const fast = { connectionMs: 2000, greetingMs: 2000, socketMs: 2000 };

interface Setup {
  dispatcher: Dispatcher;
  lines: string[];
}

const cleanups: (() => Promise<void>)[] = [];
const dispatchers: Dispatcher[] = [];

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) {
    await dispatcher.close();
    // Nothing held after each case: no job, no byte, nothing in flight.
    expect(dispatcher.stats()).toMatchObject({ pending: 0, inFlight: 0, bytes: 0 });
  }
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(reply?: (index: number) => Reply, port?: number): Promise<TestSmtpServer> {
  const started = await startSmtpServer({
    ...(reply ? { reply } : {}),
    ...(port ? { port } : {}),
  });
  cleanups.push(() => started.close());
  return started;
}

function dispatcherFor(
  url: string,
  retry: Partial<RetryOptions> = fastRetry,
  wrap: (transport: MailTransport) => MailTransport = (transport) => transport,
): Setup {
  const lines: string[] = [];
  const logger: MailLogger = {
    info: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
    warn: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
    error: (obj, msg) => lines.push(JSON.stringify({ msg, ...obj })),
  };
  const dispatcher = createDispatcher({
    transport: wrap(smtpTransport({ url, timeouts: fast, pool: { maxConnections: 2 } })),
    from: 'Conduit Chat <chat@acme.example>',
    retry,
    logger,
  });
  dispatchers.push(dispatcher);
  return { dispatcher, lines };
}

async function deliver(job: MailJob, reply?: (index: number) => Reply) {
  const smtp = await server(reply);
  const { dispatcher, lines } = dispatcherFor(smtp.url);
  expect(dispatcher.dispatch(job)).toEqual({ accepted: true });
  expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
  return { smtp, dispatcher, lines, got: smtp.received[0]! };
}

/** The raw header block, unfolded, as [name, value] pairs. */
function rawHeaders(raw: string): [string, string][] {
  const block = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return block.split('\r\n').map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
}

const ALLOWED_HEADERS = [
  'auto-submitted',
  'x-auto-response-suppress',
  'content-type',
  'from',
  'to',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'mime-version',
].sort();

describe('dispatcher over SMTP', () => {
  it('delivers a transcript to the configured recipients with subject, text and HTML', async () => {
    const job = sampleTranscript({ to: ['support@acme.example', 'owner@acme.example'] });
    const { got, dispatcher } = await deliver(job);
    expect(got.envelopeFrom).toBe('chat@acme.example');
    expect(got.envelopeTo).toEqual(['support@acme.example', 'owner@acme.example']);
    expect(got.mail.to).toMatchObject({ text: 'support@acme.example, owner@acme.example' });
    expect(got.mail.from?.value).toEqual([{ name: 'Conduit Chat', address: 'chat@acme.example' }]);
    expect(got.mail.replyTo?.value).toEqual([{ name: '', address: 'ada@visitor.example' }]);
    expect(got.mail.subject).toBe('Chat transcript: Ada on Acme, 2026-11-29');
    expect(got.mail.text).toContain('Ada (visitor):\n    Hello, is the pro plan yearly?');
    expect(got.mail.html).toContain('<bdi>Bob</bdi></strong> · operator');
    expect(got.mail.attachments).toEqual([]);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, pending: 0, retried: 0, dropped: 0 });
  });

  it('delivers an offline message with the visitor as Reply-To', async () => {
    const { got } = await deliver(sampleOffline());
    expect(got.envelopeTo).toEqual(['sales@acme.example', 'owner@acme.example']);
    expect(got.mail.subject).toBe('Offline message from Ada on Acme');
    expect(got.mail.replyTo?.text).toBe('ada@visitor.example');
    expect(got.mail.text).toContain('Please call me back about the invoice.');
  });

  it('B4: renders script-like message text inert in the delivered HTML', async () => {
    const text =
      '<img src=x onerror=alert(1)> <svg onload=alert(1)> </script> [x](javascript:alert(1))';
    const { got } = await deliver(sampleOffline({ text }));
    expect(foreignMarkup(String(got.mail.html))).toEqual([]);
    expect(got.mail.text).toContain(text);
  });

  it('B5: escapes HTML/CSS in name, custom fields, page title and referrer', async () => {
    const job = sampleTranscript({
      visitor: { name: '<b>x</b>', custom: { '<i>k</i>': '<style>*{display:none}</style>' } },
      tech: sampleTech({
        referrer: 'https://r.example/"><img src=x>',
        pages: [{ url: 'https://acme.example/', title: '<script>t</script>', at: 0 }],
      }),
    });
    const { got } = await deliver(job);
    expect(foreignMarkup(String(got.mail.html))).toEqual([]);
    expect(got.mail.html).toContain('&lt;style&gt;*{display:none}&lt;/style&gt;');
  });

  it('B6: line breaks in name, e-mail and subject parts add no header; recipients stay exact', async () => {
    const breaks = ['\r\n', '\n', '\r', '\u0085', '\u2028', '\u2029', '%0d%0a'];
    for (const br of breaks) {
      const job = sampleOffline({
        id: `b6-${breaks.indexOf(br)}`,
        name: `Ada${br}Bcc: victim@evil.example${br}X-Injected: 1`,
        email: `ada@visitor.example${br}Cc: victim@evil.example`,
        site: { id: 'acme', name: `Acme${br}To: victim@evil.example` },
      });
      const { got } = await deliver(job);
      const headers = rawHeaders(got.raw);
      expect([...new Set(headers.map(([name]) => name))].sort(), JSON.stringify(br)).toEqual(
        ALLOWED_HEADERS.filter((name) => name !== 'reply-to'),
      );
      expect(got.envelopeTo).toEqual(['sales@acme.example', 'owner@acme.example']);
      expect(got.mail.subject).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      expect(got.mail.bcc).toBeUndefined();
      expect(got.mail.cc).toBeUndefined();
    }
  });

  it('B7: address-parser tricks never become Reply-To, a recipient or part of the envelope', async () => {
    const tricks = [
      '"x@evil.example y"@site.example',
      'a@b(c)@evil.example',
      'g: a@evil.example;',
      'a@site.example, b@evil.example',
      'Ada <a@evil.example>',
      `${'('.repeat(10_000)}a@evil.example`,
    ];
    for (const [i, email] of tricks.entries()) {
      const { got } = await deliver(sampleOffline({ id: `b7-${i}`, email }));
      const headers = rawHeaders(got.raw);
      expect(
        headers.find(([name]) => name === 'reply-to'),
        email.slice(0, 30),
      ).toBeUndefined();
      expect(got.envelopeTo).toEqual(['sales@acme.example', 'owner@acme.example']);
      expect(got.envelopeFrom).toBe('chat@acme.example');
      const headerText = headers.map(([, value]) => value).join('\n');
      expect(headerText).not.toContain('evil');
    }
  });

  it('B8: a valid visitor address appears only as Reply-To, never in To, Cc, Bcc or the envelope', async () => {
    const { got } = await deliver(sampleOffline({ email: 'visitor@elsewhere.example' }));
    const headers = rawHeaders(got.raw);
    const carrying = headers.filter(([, value]) => value.includes('visitor@elsewhere.example'));
    expect(carrying.map(([name]) => name)).toEqual(['reply-to']);
    expect(got.envelopeTo).not.toContain('visitor@elsewhere.example');
    expect(got.envelopeFrom).toBe('chat@acme.example');
    expect(got.mail.attachments).toEqual([]);
  });

  it('B24: a 10 000-message chat arrives bounded, with the truncation marker', async () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      from: 'visitor' as const,
      text: `line ${i} ${'z'.repeat(MAIL_LIMITS.textChars - 20)}`,
      at: i,
    }));
    const { got } = await deliver(sampleTranscript({ messages, truncated: 3 }));
    expect(got.raw.length).toBeLessThan(MAIL_LIMITS.maxBodyBytes * 1.5);
    expect(got.mail.text).toMatch(/transcript truncated: \d+ earlier messages not kept/);
    expect(got.mail.text).toContain('line 9999 ');
  });

  it('F9: retries on 451, then delivers once with the same Message-ID', async () => {
    const { smtp, dispatcher } = await deliver(sampleOffline(), (i) =>
      i === 0 ? { code: 451, message: 'greylisted' } : 'accept',
    );
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[0]!.mail.messageId).toBe(smtp.received[1]!.mail.messageId);
    expect(smtp.accepted()).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, dropped: 0, pending: 0 });
  });

  it('F9: drops at once on 550', async () => {
    const { smtp, dispatcher, lines } = await deliver(sampleOffline(), () => ({
      code: 550,
      message: 'no such user',
    }));
    expect(smtp.received).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 0, dropped: 1, pending: 0 });
    expect(lines.at(-1)).toContain('"reason":"permanent"');
    expect(lines.join('\n')).not.toContain('no such user');
  });

  it('F8: retries while the server refuses connections, then recovers when it starts', async () => {
    const port = await reservePort();
    const { dispatcher } = dispatcherFor(`smtp://127.0.0.1:${port}`);
    expect(dispatcher.dispatch(sampleOffline()).accepted).toBe(true);
    await until(() => (dispatcher.stats().retried ?? 0) >= 2);
    const smtp = await server(undefined, port);
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(smtp.accepted()).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, dropped: 0 });
  });

  it('F10: resends once after a disconnect following DATA, with the same Message-ID', async () => {
    const { smtp, dispatcher } = await deliver(sampleTranscript(), (i) =>
      i === 0 ? 'disconnect' : 'accept',
    );
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.mail.messageId).toBe(smtp.received[0]!.mail.messageId);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, dropped: 0 });
  });

  it('F10: sends at most twice when every DATA is followed by a disconnect', async () => {
    const { smtp, dispatcher } = await deliver(sampleTranscript(), () => 'disconnect');
    expect(smtp.received).toHaveLength(2);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 1, dropped: 1 });
  });

  it('F11: bounds attempts against a server that drops every connection; the loop stays responsive', async () => {
    const dropper = await startDropper();
    cleanups.push(() => dropper.close());
    const { dispatcher } = dispatcherFor(`smtp://127.0.0.1:${dropper.port}`, {
      ...fastRetry,
      maxAttempts: 5,
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      dispatcher.dispatch(sampleOffline());
      await until(() => dispatcher.stats().dropped === 1);
    } finally {
      clearInterval(ticker);
    }
    expect(dropper.connections()).toBeGreaterThanOrEqual(5);
    expect(dropper.connections()).toBeLessThanOrEqual(10);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, retried: 4, dropped: 1, pending: 0 });
    expect(ticks).toBeGreaterThan(0);
  });

  it('drain on shutdown delivers every queued job, then close leaves nothing', async () => {
    const smtp = await server();
    const { dispatcher } = dispatcherFor(smtp.url);
    for (let i = 0; i < 30; i++) {
      expect(dispatcher.dispatch(sampleTranscript({ id: `s${i}` })).accepted).toBe(true);
    }
    expect(await dispatcher.drain(10_000)).toEqual({ drained: true, pending: 0 });
    await dispatcher.close();
    expect(smtp.accepted()).toHaveLength(30);
    expect(new Set(smtp.received.map((item) => item.mail.messageId)).size).toBe(30);
    expect(dispatcher.dispatch(sampleOffline()).accepted).toBe(false);
  });

  it('close is bounded: it drops a send the server never answers', async () => {
    const smtp = await server(() => 'silence');
    const { dispatcher } = dispatcherFor(smtp.url);
    dispatcher.dispatch(sampleOffline());
    await smtp.waitFor(1);
    expect(await dispatcher.drain(50)).toEqual({ drained: false, pending: 1 });
    await dispatcher.close();
    expect(dispatcher.stats()).toMatchObject({ sent: 0, dropped: 1, pending: 0, inFlight: 0 });
  });

  it('F12: holds the rendered mail while a retry waits and no reference once it is sent', async () => {
    const smtp = await server((i) => (i === 0 ? { code: 451, message: 'later' } : 'accept'));
    let ref: WeakRef<OutgoingMail> | undefined;
    const spy = (inner: MailTransport): MailTransport => ({
      name: inner.name,
      send(mail) {
        ref ??= new WeakRef(mail);
        return inner.send(mail);
      },
      close: () => inner.close(),
    });
    const { dispatcher } = dispatcherFor(smtp.url, { ...fastRetry, baseDelayMs: 60_000 }, spy);
    let jobRef: WeakRef<MailJob> | undefined;
    (() => {
      const job = sampleOffline();
      jobRef = new WeakRef(job);
      dispatcher.dispatch(job);
    })();
    await until(() => dispatcher.stats().retried === 1);
    // Control: while the retry waits, the mail is held (so the check below can fail) ...
    expect(await collected(ref!)).toBe(false);
    // ... but the job object is not: the queue keeps only the rendered mail.
    expect(await collected(jobRef!)).toBe(true);
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(await collected(ref!)).toBe(true);
    expect(dispatcher.stats()).toMatchObject({ pending: 0, inFlight: 0, bytes: 0, sent: 1 });
  });

  it('F12: keeps no reference to a dropped mail', async () => {
    const smtp = await server(() => ({ code: 550, message: 'no' }));
    let mailRef: WeakRef<OutgoingMail> | undefined;
    const spy = (inner: MailTransport): MailTransport => ({
      name: inner.name,
      send(mail) {
        mailRef ??= new WeakRef(mail);
        return inner.send(mail);
      },
      close: () => inner.close(),
    });
    const { dispatcher } = dispatcherFor(smtp.url, fastRetry, spy);
    expect(dispatcher.dispatch(sampleTranscript()).accepted).toBe(true);
    expect(await dispatcher.drain(5000)).toEqual({ drained: true, pending: 0 });
    expect(dispatcher.stats()).toMatchObject({ dropped: 1, bytes: 0 });
    expect(await collected(mailRef!)).toBe(true);
  });

  it('writes content-free log lines for sent, retried and dropped mail', async () => {
    const job = sampleTranscript({ visitor: { name: 'Zebediah', email: 'zeb@private.example' } });
    const { lines } = await deliver(job, (i) => (i === 0 ? { code: 451, message: 'x' } : 'accept'));
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['mail retry', 'mail sent']);
    const text = lines.join('\n');
    for (const secret of [
      'Zebediah',
      'zeb@private',
      '203.0.113.7',
      'pro plan',
      job.id,
      'support@',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(lines[1]!)).toMatchObject({ kind: 'transcript', attempt: 2, code: 250 });
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
