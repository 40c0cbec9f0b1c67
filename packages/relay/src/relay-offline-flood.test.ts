import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  hello,
  ORIGIN,
  operator,
  smtpServer,
  startTestRelay,
  TestClient,
  TRANSPORTS,
  visitor,
} from './test-relay.js';

// Issue #12.1: offline messages over the visitor socket once bypassed the per-address limit
// that `POST /v1/offline` had (20 sockets, no hello: 1 000 of 1 000 mailed in 5 s), filled the
// mail queue behind a slow SMTP server, and a real visitor's transcript was refused. Real
// relay, real sockets, a real (slow) SMTP server; the relay builds its own dispatcher.

const SOCKETS = 20;
const ROUNDS = 25; // one offline frame per socket every 100 ms: 2.5 s
const BURST = 5; // limits.offlineBurst default

function post(url: string, body: string): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, code: JSON.parse(text).code ?? '' });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TRANSPORTS)('offline flood (%s)', (transport) => {
  const cleanups = cleanupAfterEach();

  it('12.1: a socket flood from one address mails at most the per-address limit, a chat that ends meanwhile is mailed, and the POST shares the spent budget', async () => {
    const smtp = await smtpServer({ delayMs: 300 });
    cleanups.push(() => smtp.close());
    const t = await startTestRelay(
      transport,
      {
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
        // 20 flood sockets + the real visitor + the operator, all from 127.0.0.1.
        limits: { connectionsPerAddress: SOCKETS + 5 },
      },
      // `dispatcher: undefined` overrides the helper's recording one: the relay builds its own.
      { dispatcher: undefined as never },
    );
    let closed = false;
    cleanups.push(() => (closed ? Promise.resolve() : t.relay.close()));

    const op = await operator(t.operatorUrl());
    cleanups.push(() => op.client.close());
    const real = await visitor(t.visitorUrl(), { info: { name: 'Vera' } });
    real.client.send({ t: 'msg', id: 'm1', text: 'Is the blue one in stock?' });
    await real.client.next('ack');

    // Half the flood never says hello, half does (each hello makes an empty session).
    const flood: { client: TestClient; greeted: boolean }[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const client = new TestClient(t.visitorUrl());
      cleanups.push(() => client.close());
      await client.opened();
      const greeted = i % 2 === 1;
      if (greeted) {
        client.send(hello());
        await client.next('welcome');
      }
      flood.push({ client, greeted });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { client }] of flood.entries()) {
        client.send({
          t: 'offline',
          id: `f${i}-${round}`,
          name: 'Flood',
          email: 'flood@example.com',
          text: `spam ${round}`,
        });
      }
      // The real chat ends in the middle of the flood.
      if (round === 10) real.client.send({ t: 'end' });
      await sleep(100);
    }
    for (const { client } of flood) await client.settle();

    const silent = flood.filter((f) => !f.greeted).map((f) => f.client);
    const greeted = flood.filter((f) => f.greeted).map((f) => f.client);
    // Before hello: every offline frame refused with not_ready, naming it; none queued.
    for (const client of silent) {
      expect(client.queued('queued')).toHaveLength(0);
      const errors = client.queued('error');
      expect(errors).toHaveLength(ROUNDS);
      expect(errors.every((e) => e.code === 'not_ready' && typeof e.id === 'string')).toBe(true);
    }
    // After hello: the address's budget, shared by every socket, then offline_limited.
    const queued = greeted.flatMap((c) => c.queued('queued'));
    const limited = greeted.flatMap((c) => c.queued('error'));
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.length).toBeLessThanOrEqual(BURST);
    expect(queued.length + limited.length).toBe(greeted.length * ROUNDS);
    expect(limited.every((e) => e.code === 'offline_limited')).toBe(true);

    // The same address over HTTP: the budget is the same one, already spent.
    const body = JSON.stringify({ name: 'Flood', email: 'flood@example.com', text: 'spam' });
    expect(await post(`${t.relay.url}/v1/offline?site=acme`, body)).toEqual({
      status: 429,
      code: 'offline_limited',
    });

    // Drain: the real chat's transcript arrives, and only the accepted offline messages.
    const result = await t.relay.close();
    closed = true;
    expect(result).toEqual({ drained: true, dropped: 0 });
    const subjects = smtp.received.map((r) => r.mail.subject ?? '');
    expect(subjects.filter((s) => s.startsWith('Chat transcript'))).toHaveLength(1);
    const transcript = smtp.received.find((r) => r.mail.subject?.startsWith('Chat transcript'));
    expect(transcript?.mail.text).toContain('Is the blue one in stock?');
    expect(subjects.filter((s) => s.startsWith('Offline message'))).toHaveLength(queued.length);
  });
});
