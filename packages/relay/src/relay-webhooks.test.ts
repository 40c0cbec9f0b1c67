import { verifyWebhookSignature } from '@conduit-chat/mail';
import {
  startWebhookReceiver,
  type TestWebhookReceiver,
} from '@conduit-chat/mail/test-webhook-receiver';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  ORIGIN,
  operator,
  smtpServer,
  startTestRelay,
  TRANSPORTS,
  testConfig,
  visitor,
} from './test-relay.js';

// Signed webhooks end to end: the relay's own dispatcher (`@conduit-chat/mail`) posts to a real
// `node:http` receiver on 127.0.0.1 when a chat starts, ends, or an offline message arrives.

const SECRET = 'whsec_relay_test_0123456789';

describe.each(TRANSPORTS)('relay webhooks (%s)', (transport) => {
  const cleanups = cleanupAfterEach();

  async function hookedRelay(
    hook: TestWebhookReceiver,
    events: string[],
    site: Record<string, unknown> = {},
  ) {
    const smtp = await smtpServer();
    cleanups.push(() => smtp.close());
    const base = testConfig(transport);
    const webhooks = [{ url: hook.url, secret: SECRET, events, allowPrivate: true }];
    const t = await startTestRelay(
      transport,
      {
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
        sites: base.sites.map((s) => (s.id === 'acme' ? { ...s, webhooks, ...site } : s)),
      } as never,
      // `dispatcher: undefined` overrides the helper's recording one: the relay builds its own.
      { dispatcher: undefined as never },
    );
    cleanups.push(() => t.relay.close());
    return { t, smtp };
  }

  async function receiver(): Promise<TestWebhookReceiver> {
    const hook = await startWebhookReceiver();
    cleanups.push(() => hook.close());
    return hook;
  }

  const parse = (hook: TestWebhookReceiver, i: number) => {
    const got = hook.received[i]!;
    expect(verifyWebhookSignature(got.body, got.headers['conduit-signature'], SECRET)).toBe(true);
    return JSON.parse(got.body);
  };

  it('16.6: posts chat.started on the first visitor message and chat.ended with the transcript', async () => {
    const hook = await receiver();
    const { t, smtp } = await hookedRelay(hook, ['chat.started', 'chat.ended']);
    const op = await operator(t.operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await visitor(t.visitorUrl(), { info: { name: 'Vera', email: 'vera@example.com' } });
    v.client.send({ t: 'msg', id: 'a', text: 'Where is my order #1234?' });
    await v.client.next('ack');
    await hook.waitFor(1);
    const started = parse(hook, 0);
    expect(started).toMatchObject({ event: 'chat.started', site: { id: 'acme', name: 'Acme' } });
    expect(Object.keys(started.data).sort()).toEqual(['at', 'chat']);
    // No message text, no visitor data, no session id in chat.started.
    for (const secret of ['order #1234', 'Vera', 'vera@', v.welcome.session]) {
      expect(hook.received[0]!.body).not.toContain(secret);
    }
    v.client.send({ t: 'msg', id: 'b', text: 'Hello again?' });
    await v.client.next('ack');
    op.client.send({ t: 'msg', session: v.welcome.session, id: 'c', text: 'It ships today.' });
    await v.client.next('msg');
    v.client.send({ t: 'end' });
    await hook.waitFor(2);
    const ended = parse(hook, 1);
    expect(ended).toMatchObject({
      event: 'chat.ended',
      data: {
        chat: started.data.chat,
        visitor: { name: 'Vera', email: 'vera@example.com' },
        endReason: 'visitor',
        truncated: 0,
      },
    });
    expect(
      ended.data.messages.map((m: { from: string; text: string }) => [m.from, m.text]),
    ).toEqual(
      expect.arrayContaining([
        ['visitor', 'Where is my order #1234?'],
        ['visitor', 'Hello again?'],
        ['operator', 'It ships today.'],
      ]),
    );
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body).not.toContain(v.welcome.session);
    const metrics = await (await fetch(`${t.relay.url}/metrics`)).text();
    expect(metrics).toContain('conduit_mail_jobs_total{kind="webhook",accepted="true"} 2');
    // The transcript mail still goes out beside it.
    await smtp.next();
    await t.relay.close();
    const logs = t.logs();
    expect(logs).toContain('"msg":"webhook sent"');
    for (const secret of ['order #1234', 'It ships today', SECRET, String(hook.port)]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('16.6: posts offline.message for a site with webhooks and no offline mail recipients', async () => {
    const hook = await receiver();
    const { t, smtp } = await hookedRelay(hook, ['offline.message'], { offline: undefined });
    const res = await fetch(`${t.relay.url}/v1/offline?site=acme`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Vera', email: 'vera@example.com', text: 'Please call me' }),
    });
    expect(res.status).toBe(202);
    await hook.waitFor(1);
    expect(parse(hook, 0)).toMatchObject({
      event: 'offline.message',
      data: { name: 'Vera', email: 'vera@example.com', text: 'Please call me' },
    });
    await t.relay.close();
    expect(smtp.received).toHaveLength(0);
  });

  it('16.6: tells the visitor when a webhook-only offline message was taken by nothing', async () => {
    // The helper's recording dispatcher has no `dispatchWebhook`: every webhook is refused.
    const base = testConfig(transport);
    const webhooks = [
      { url: 'https://hooks.acme.example/', secret: SECRET, events: ['offline.message'] },
    ];
    const t = await startTestRelay(transport, {
      sites: base.sites.map((s) => (s.id === 'acme' ? { ...s, webhooks, offline: undefined } : s)),
    } as never);
    cleanups.push(() => t.relay.close());
    const res = await fetch(`${t.relay.url}/v1/offline?site=acme`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Vera', email: 'vera@example.com', text: 'Please call me' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'limit_reached' });
    expect(t.logs()).toContain('"msg":"webhook refused"');
  });
});
