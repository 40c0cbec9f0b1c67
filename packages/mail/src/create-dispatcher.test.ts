import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher, type DispatcherOptions } from './create-dispatcher.js';
import type { Dispatcher, MailJob } from './jobs.js';
import type { MailLogger } from './mail-logger.js';
import { type ManualClock, manualClock } from './test-clock.js';
import { sampleOffline, sampleTranscript } from './test-jobs.js';
import { type ScriptedTransport, type Step, scriptedTransport } from './test-scripted-transport.js';

// The dispatcher's queue and retry rules, with time and the transport injected. Wire-level
// behaviour (SMTP replies, sockets) is in dispatcher-smtp.test.ts against a real smtp-server.

interface Harness {
  dispatcher: Dispatcher;
  transport: ScriptedTransport;
  clock: ManualClock;
  lines: { level: string; obj: Record<string, unknown>; msg: string }[];
}

let open: Harness[] = [];

function harness(script: Step[] = [], options: Partial<DispatcherOptions> = {}): Harness {
  const transport = scriptedTransport(script);
  const clock = manualClock();
  const lines: Harness['lines'] = [];
  const logger: MailLogger = {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
  const dispatcher = createDispatcher({
    transport,
    from: 'Conduit <chat@acme.example>',
    retry: { baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 10_000 },
    logger,
    clock,
    random: () => 0.5,
    ...options,
  });
  const made = { dispatcher, transport, clock, lines };
  open.push(made);
  return made;
}

afterEach(async () => {
  const closing = open;
  open = [];
  for (const { dispatcher, transport } of closing) {
    const closed = dispatcher.close();
    transport.releaseAll();
    await closed;
  }
});

describe('createDispatcher', () => {
  it('sends an accepted job once and then holds nothing', async () => {
    const { dispatcher, transport, clock } = harness();
    expect(dispatcher.dispatch(sampleTranscript())).toEqual({ accepted: true });
    await clock.advance(0);
    expect(transport.attempts).toHaveLength(1);
    expect(dispatcher.stats()).toEqual({
      pending: 0,
      inFlight: 0,
      sent: 1,
      retried: 0,
      dropped: 0,
      refused: 0,
      bytes: 0,
    });
    expect(clock.pending()).toBe(0);
  });

  it('refuses an invalid job without throwing', () => {
    const { dispatcher } = harness();
    for (const bad of [null, {}, { ...sampleOffline(), to: ['x@evil\r\nBcc: y@evil.example'] }]) {
      const result = dispatcher.dispatch(bad as unknown as MailJob);
      expect(result).toMatchObject({ accepted: false, reason: 'invalid' });
    }
    expect(dispatcher.stats()).toMatchObject({ pending: 0, refused: 3 });
  });

  it('refuses jobs beyond maxJobs and beyond maxBytes', () => {
    const byCount = harness(['hang', 'hang'], { limits: { maxJobs: 2 } }).dispatcher;
    expect(byCount.dispatch(sampleTranscript({ id: 'a' })).accepted).toBe(true);
    expect(byCount.dispatch(sampleTranscript({ id: 'b' })).accepted).toBe(true);
    expect(byCount.dispatch(sampleTranscript({ id: 'c' }))).toMatchObject({
      accepted: false,
      reason: 'queue_full',
    });
    const bySize = harness(['hang'], { limits: { maxBytes: 5000 } }).dispatcher;
    expect(bySize.dispatch(sampleOffline({ text: 'x'.repeat(4000) }))).toMatchObject({
      accepted: false,
      reason: 'queue_full',
    });
  });

  it('12.1: offline messages hold at most their share of the queue; transcripts keep the rest', () => {
    // 10 jobs in all, half of them at most offline (the default share).
    const { dispatcher } = harness(Array(20).fill('hang'), { limits: { maxJobs: 10 } });
    const offline = Array.from({ length: 8 }, (_, i) =>
      dispatcher.dispatch(sampleOffline({ id: `o${i}` })),
    );
    expect(offline.filter((r) => r.accepted)).toHaveLength(5);
    expect(offline.at(-1)).toEqual({
      accepted: false,
      reason: 'queue_full',
      message: 'Too many offline messages queued.',
    });
    // The flood cannot take the transcripts' room: five finished chats still fit.
    for (let i = 0; i < 5; i++) {
      expect(dispatcher.dispatch(sampleTranscript({ id: `t${i}` }))).toEqual({ accepted: true });
    }
    expect(dispatcher.dispatch(sampleTranscript({ id: 't5' }))).toMatchObject({
      reason: 'queue_full',
    });
    expect(dispatcher.stats()).toMatchObject({ pending: 10, refused: 4 });
  });

  it('12.1: offline messages hold at most their share of the queued bytes', () => {
    const mailBytes = (job: MailJob) => {
      const probe = harness(['hang']).dispatcher;
      probe.dispatch(job);
      return probe.stats().bytes ?? 0;
    };
    const size = mailBytes(sampleOffline({ id: 'probe' }));
    // Room for three offline mails by bytes; the job count is no constraint.
    const { dispatcher } = harness(Array(20).fill('hang'), {
      limits: { maxBytes: size * 20, maxOfflineBytes: size * 3 + 10 },
    });
    const results = Array.from({ length: 5 }, (_, i) =>
      dispatcher.dispatch(sampleOffline({ id: `o${i}` })),
    );
    expect(results.map((r) => r.accepted)).toEqual([true, true, true, false, false]);
    expect(results[3]).toMatchObject({ message: 'Too many bytes of offline messages queued.' });
    expect(dispatcher.dispatch(sampleTranscript()).accepted).toBe(true);
  });

  it('12.1: sends a waiting transcript before offline messages queued earlier', async () => {
    const { dispatcher, transport, clock } = harness(Array(6).fill('hang'), {
      limits: { concurrency: 1 },
    });
    for (let i = 0; i < 3; i++) dispatcher.dispatch(sampleOffline({ id: `o${i}` }));
    dispatcher.dispatch(sampleTranscript({ id: 'chat' }));
    await clock.advance(0);
    // The first offline message was already on the wire; the transcript goes next.
    for (let i = 0; i < 2; i++) {
      transport.releaseAll();
      await clock.advance(0);
    }
    expect(transport.attempts.map((a) => a.subject.split(' ')[0])).toEqual([
      'Offline',
      'Chat',
      'Offline',
    ]);
  });

  it('refuses offline limits larger than the queue', () => {
    expect(() => harness([], { limits: { maxJobs: 4, maxOfflineJobs: 5 } })).toThrow(
      /maxOfflineJobs/,
    );
  });

  it('refuses jobs once closed', async () => {
    const { dispatcher } = harness();
    await dispatcher.close();
    expect(dispatcher.dispatch(sampleOffline())).toMatchObject({
      accepted: false,
      reason: 'closed',
    });
  });

  it('refuses a bad sender or bad limits at creation', () => {
    expect(() => harness([], { from: 'a@x.example, b@y.example' })).toThrow(/from/);
    expect(() => harness([], { limits: { maxJobs: 0 } })).toThrow(/maxJobs/);
  });

  it('F9: retries a transient failure after a backoff, with the same Message-ID', async () => {
    const { dispatcher, transport, clock } = harness(['transient', 'transient']);
    dispatcher.dispatch(sampleOffline());
    await clock.advance(0);
    expect(transport.attempts).toHaveLength(1);
    await clock.advance(74); // first delay: 100 ms, half jittered at 0.5 -> 75 ms
    expect(transport.attempts).toHaveLength(1);
    await clock.advance(1);
    expect(transport.attempts).toHaveLength(2);
    await clock.advance(150);
    expect(transport.attempts).toHaveLength(3);
    expect(new Set(transport.attempts.map((a) => a.messageId)).size).toBe(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 2, dropped: 0, pending: 0 });
  });

  it('F9: drops a permanent failure at once', async () => {
    const { dispatcher, transport, clock, lines } = harness(['permanent']);
    dispatcher.dispatch(sampleOffline());
    await clock.advance(60_000);
    expect(transport.attempts).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ dropped: 1, pending: 0, bytes: 0 });
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      msg: 'mail dropped',
      obj: { kind: 'offline', code: '550', reason: 'permanent' },
    });
  });

  it('F8: drops after the time bound when every attempt fails', async () => {
    const { dispatcher, transport, clock } = harness(Array(100).fill('transient'));
    dispatcher.dispatch(sampleOffline());
    await clock.advance(20_000);
    expect(dispatcher.stats()).toMatchObject({ sent: 0, dropped: 1, pending: 0 });
    // 75 + 150 + 300 + 600 + 750 * n ... until 10 s: bounded, not one per millisecond.
    expect(transport.attempts.length).toBeGreaterThan(5);
    expect(transport.attempts.length).toBeLessThan(20);
    expect(clock.pending()).toBe(0);
  });

  it('F10: resends at most once after an ambiguous failure', async () => {
    const { dispatcher, transport, clock } = harness(['ambiguous', 'ambiguous', 'ok']);
    dispatcher.dispatch(sampleTranscript());
    await clock.advance(5000);
    expect(transport.attempts).toHaveLength(2);
    expect(transport.attempts[0]!.messageId).toBe(transport.attempts[1]!.messageId);
    expect(dispatcher.stats()).toMatchObject({ dropped: 1, retried: 1, pending: 0 });
  });

  it('treats a transport that throws synchronously as a transient failure', async () => {
    const { dispatcher, clock } = harness(['throw']);
    expect(dispatcher.dispatch(sampleOffline()).accepted).toBe(true);
    await clock.advance(1000);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, pending: 0 });
  });

  it('keeps at most `concurrency` sends in flight', async () => {
    const { dispatcher, transport, clock } = harness(Array(5).fill('hang'), {
      limits: { concurrency: 2 },
    });
    for (let i = 0; i < 5; i++) dispatcher.dispatch(sampleOffline({ id: `j${i}` }));
    await clock.advance(0);
    expect(dispatcher.stats()).toMatchObject({ pending: 5, inFlight: 2 });
    transport.releaseAll();
    await clock.advance(0);
    expect(dispatcher.stats()).toMatchObject({ pending: 3, inFlight: 2, sent: 2 });
  });

  it('drain resolves once the queue is empty', async () => {
    const { dispatcher, transport, clock } = harness(['hang']);
    dispatcher.dispatch(sampleOffline());
    const drained = dispatcher.drain(5000);
    await clock.advance(10);
    transport.releaseAll();
    await clock.advance(0);
    await expect(drained).resolves.toEqual({ drained: true, pending: 0 });
    expect(clock.pending()).toBe(0);
  });

  it('drain reports what is left when the timeout passes', async () => {
    const { dispatcher, clock } = harness(['hang']);
    dispatcher.dispatch(sampleOffline());
    const drained = dispatcher.drain(100);
    await clock.advance(100);
    await expect(drained).resolves.toEqual({ drained: false, pending: 1 });
  });

  it('drain tries at once a retry that would come after its deadline', async () => {
    const { dispatcher, transport, clock } = harness(['transient'], {
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    dispatcher.dispatch(sampleOffline());
    await clock.advance(0);
    const drained = dispatcher.drain(1000);
    await clock.advance(0);
    await expect(drained).resolves.toEqual({ drained: true, pending: 0 });
    expect(transport.attempts).toHaveLength(2);
  });

  it('close drops waiting jobs, lets the in-flight one finish and closes the transport', async () => {
    const { dispatcher, transport, clock } = harness(['transient', 'hang']);
    dispatcher.dispatch(sampleOffline({ id: 'waits' }));
    await clock.advance(0); // first job failed and waits for a retry
    dispatcher.dispatch(sampleOffline({ id: 'hangs' }));
    const closed = dispatcher.close();
    transport.releaseAll();
    await closed;
    expect(dispatcher.stats()).toMatchObject({ pending: 0, inFlight: 0, sent: 1, dropped: 1 });
    expect(transport.closed).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('F13: a wall-clock jump does not expire a retrying job (monotonic clock)', async () => {
    const transport = scriptedTransport(['transient']);
    const dispatcher = createDispatcher({
      transport,
      from: 'chat@acme.example',
      retry: { baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 60_000 },
    });
    try {
      dispatcher.dispatch(sampleOffline());
      vi.setSystemTime(Date.now() + 2 * 3600_000);
      await expect(dispatcher.drain(2000)).resolves.toEqual({ drained: true, pending: 0 });
      expect(dispatcher.stats()).toMatchObject({ sent: 1, retried: 1, dropped: 0 });
    } finally {
      vi.useRealTimers();
      await dispatcher.close();
    }
  });

  it('writes content-free log lines', async () => {
    const { dispatcher, clock, lines } = harness(['transient', 'permanent']);
    const job = sampleTranscript({ visitor: { name: 'Zebediah', email: 'zeb@private.example' } });
    dispatcher.dispatch(job);
    dispatcher.dispatch({ ...sampleOffline(), to: [] });
    await clock.advance(5000);
    const logged = JSON.stringify(lines);
    expect(lines.map((line) => line.msg)).toEqual(['mail refused', 'mail retry', 'mail dropped']);
    for (const secret of [
      'Zebediah',
      'zeb@private',
      '203.0.113.7',
      'pro plan',
      job.id,
      'acme.example',
    ]) {
      expect(logged).not.toContain(secret);
    }
    expect(lines[1]!.obj).toEqual({
      kind: 'transcript',
      ref: expect.stringMatching(/^[0-9a-f]{12}$/),
      attempt: 1,
      code: '451',
      delayMs: 75,
    });
  });
});
