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

// The relay's default dispatcher (`@conduit-chat/mail` per `config.mail`) against a real SMTP
// server: a chat that ends produces a transcript e-mail, and the relay's maps are empty after.

describe.each(TRANSPORTS)('relay mail (%s)', (transport) => {
  const cleanups = cleanupAfterEach();

  it('mails the transcript of an ended chat to the site’s recipients over real SMTP', async () => {
    const smtp = await smtpServer();
    cleanups.push(() => smtp.close());
    // `dispatcher: undefined` overrides the helper's recording one: the relay builds its own.
    const t = await startTestRelay(
      transport,
      { mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url } },
      { dispatcher: undefined as never },
    );
    cleanups.push(() => t.relay.close());
    const op = await operator(t.operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await visitor(t.visitorUrl(), { info: { name: 'Vera', email: 'vera@example.com' } });
    v.client.send({ t: 'msg', id: 'a', text: 'Where is my order #1234?' });
    await v.client.next('ack');
    op.client.send({ t: 'msg', session: v.welcome.session, id: 'b', text: 'It ships today.' });
    await v.client.next('msg');
    const arrived = smtp.next();
    v.client.send({ t: 'end' });
    await arrived;
    expect(smtp.received).toHaveLength(1);
    const { to, mail } = smtp.received[0] ?? { to: [], mail: null };
    expect(to).toEqual(['support@acme.example']);
    expect(mail?.from?.text).toContain('chat@acme.example');
    expect(mail?.text).toContain('Where is my order #1234?');
    expect(mail?.text).toContain('It ships today.');
    expect(mail?.replyTo?.text).toContain('vera@example.com');
    expect(t.relay.stats().store).toMatchObject({ sessions: 0, siteEntries: 0 });
    // The dispatcher logs its content-free "sent" line once the server has answered 250.
    for (let i = 0; i < 200 && !t.logs().includes('"component":"mail"'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(t.logs()).toContain('"component":"mail"');
    expect(t.logs()).not.toContain('Where is my order');
  });

  async function offlineRelay(keepQuery: boolean) {
    const smtp = await smtpServer();
    cleanups.push(() => smtp.close());
    const base = testConfig(transport);
    const t = await startTestRelay(
      transport,
      {
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
        sites: base.sites.map((s) => ({ ...s, keepQuery })),
      },
      { dispatcher: undefined as never },
    );
    cleanups.push(() => t.relay.close());
    const post = (url: string) =>
      fetch(`${t.relay.url}/v1/offline?site=acme`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Vera',
          email: 'vera@example.com',
          text: 'Please call me',
          page: { url, title: 'Pricing' },
        }),
      });
    return { smtp, t, post };
  }

  const PAGE =
    'https://vera:pw@acme.example/pricing?coupon=VERA-2024&email=vera%40example.com#plans';

  it('12.8c: strips the query string of an offline POST’s page as the site’s keepQuery says', async () => {
    const { smtp, post } = await offlineRelay(false);
    const arrived = smtp.next();
    expect((await post(PAGE)).status).toBe(202);
    await arrived;
    const text = smtp.received[0]?.mail.text ?? '';
    expect(text).toContain('https://acme.example/pricing');
    expect(text).not.toContain('coupon');
    expect(text).not.toContain('vera%40example.com');
    expect(text).not.toContain('#plans');
    expect(text).not.toContain('vera:pw');
    // A site that keeps query strings keeps this one too (but never credentials or fragment).
    const keeping = await offlineRelay(true);
    const kept = keeping.smtp.next();
    expect((await keeping.post(PAGE)).status).toBe(202);
    await kept;
    const keptText = keeping.smtp.received[0]?.mail.text ?? '';
    expect(keptText).toContain('https://acme.example/pricing?coupon=VERA-2024');
    expect(keptText).not.toContain('#plans');
  });

  it('12.8b: exposes conduit_mail_total as a counter that counts the sent mail', async () => {
    const { smtp, t, post } = await offlineRelay(false);
    const arrived = smtp.next();
    expect((await post(PAGE)).status).toBe(202);
    await arrived;
    let metrics = '';
    for (let i = 0; i < 200 && !metrics.includes('conduit_mail_total{outcome="sent"} 1'); i++) {
      metrics = await (await fetch(`${t.relay.url}/metrics`)).text();
      await new Promise((r) => setTimeout(r, 10));
    }
    const lines = metrics.split('\n').filter((l) => l.includes('conduit_mail_total'));
    expect(lines).toEqual([
      '# HELP conduit_mail_total Mail jobs sent, retried and dropped since start.',
      '# TYPE conduit_mail_total counter',
      'conduit_mail_total{outcome="dropped"} 0',
      'conduit_mail_total{outcome="retried"} 0',
      'conduit_mail_total{outcome="sent"} 1',
    ]);
  });
});
