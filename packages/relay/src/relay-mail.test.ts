import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  operator,
  smtpServer,
  startTestRelay,
  TRANSPORTS,
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
});
