import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  operator,
  relaysPerTest,
  type TestClient,
  TRANSPORTS,
  testConfig,
  visitor,
} from './test-relay.js';

// Issue #15, identity verification: the site's server signs the user id with the site's
// secret; the relay checks it and tells operators, never anyone the secret.

const SECRET = 'idsecret-5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a';
const sign = (userId: string, secret = SECRET) =>
  createHmac('sha256', secret).update(userId).digest('hex');

describe.each(TRANSPORTS)('relay identity (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);
  const track = <T extends { client: TestClient }>(x: T): T => {
    cleanups.push(() => x.client.close());
    return x;
  };
  // The test config with `identity` on site `acme` (site `other` has none).
  const sitesWith = (identity: { secret: string; required?: boolean }) =>
    testConfig(transport).sites.map((s) => (s.id === 'acme' ? { ...s, identity } : s));
  const withIdentity = (identity: { secret: string; required?: boolean }) =>
    start({ sites: sitesWith(identity) });

  it('15: a right hash marks the visitor verified, with the user id, in the operator snapshot', async () => {
    const { visitorUrl, operatorUrl } = await withIdentity({ secret: SECRET });
    const op = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    const session = v.welcome.session;
    await op.client.next('visitor', (f) => f.visitor.session === session);
    v.client.send({ t: 'info', name: 'Vera', userId: 'user 42', hash: sign('user 42') });
    const seen = await op.client.next('visitor', (f) => f.visitor.name === 'Vera');
    expect(seen.visitor).toMatchObject({ session, verified: true, userId: 'user 42' });
    // An operator who connects later sees it in `ready` too; a later name-only info keeps it.
    v.client.send({ t: 'info', name: 'Vera B' });
    await op.client.next('visitor', (f) => f.visitor.name === 'Vera B');
    const late = track(await operator(operatorUrl()));
    expect(late.ready.visitors).toEqual([
      expect.objectContaining({ session, name: 'Vera B', verified: true, userId: 'user 42' }),
    ]);
  });

  it('15: a wrong or missing hash, or a site without a secret, is never shown as verified', async () => {
    const { visitorUrl, operatorUrl } = await withIdentity({ secret: SECRET });
    const op = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    const claims = [
      { name: 'Wrong', userId: 'u1', hash: sign('u2') },
      { name: 'Other key', userId: 'u1', hash: sign('u1', `${SECRET}x`) },
      { name: 'Missing', userId: 'u1' },
      { name: 'Hash only', hash: sign('u1') },
    ];
    for (const claim of claims) {
      v.client.send({ t: 'info', ...claim });
      const seen = await op.client.next('visitor', (f) => f.visitor.name === claim.name);
      expect(seen.visitor).not.toHaveProperty('verified');
      expect(seen.visitor).not.toHaveProperty('userId');
    }
    // Verified, then a claim for another user with a bad hash: verified no more.
    v.client.send({ t: 'info', name: 'Right', userId: 'u1', hash: sign('u1') });
    await op.client.next('visitor', (f) => f.visitor.name === 'Right' && f.visitor.verified);
    v.client.send({ t: 'info', name: 'Swap', userId: 'admin', hash: sign('u1') });
    const swapped = await op.client.next('visitor', (f) => f.visitor.name === 'Swap');
    expect(swapped.visitor).not.toHaveProperty('verified');
    expect(swapped.visitor).not.toHaveProperty('userId');

    // Site `other` has no identity settings: even a hash made with this secret verifies nothing.
    const { visitorUrl: otherUrl, operatorUrl: otherOps } = { visitorUrl, operatorUrl };
    const olga = track(
      await operator(
        otherOps('other'),
        'ck_test_other_operator_key_abcdef012',
        'https://other.example',
      ),
    );
    const w = track(await visitor(otherUrl('other'), {}, 'https://other.example'));
    w.client.send({ t: 'info', name: 'Olly', userId: 'u1', hash: sign('u1') });
    const olly = await olga.client.next('visitor', (f) => f.visitor.name === 'Olly');
    expect(olly.visitor).not.toHaveProperty('verified');
    expect(w.welcome.session).toBe(olly.visitor.session);
  });

  it('15: identity.required refuses unverified info with identity_refused and keeps none of it', async () => {
    const { visitorUrl, operatorUrl } = await withIdentity({ secret: SECRET, required: true });
    const op = track(await operator(operatorUrl()));
    // Unverified info in hello: the chat starts anonymous, the info is refused.
    const v = track(await visitor(visitorUrl(), { info: { name: 'Eve', userId: 'u1' } }));
    expect(await v.client.next('error')).toMatchObject({ code: 'identity_refused' });
    const first = await op.client.next('visitor', (f) => f.visitor.session === v.welcome.session);
    expect(first.visitor).not.toHaveProperty('name');
    v.client.send({
      t: 'info',
      name: 'Eve',
      email: 'eve@example.com',
      userId: 'u1',
      hash: sign('u2'),
    });
    expect(await v.client.next('error')).toMatchObject({ code: 'identity_refused' });
    v.client.send({ t: 'info', name: 'Eve' });
    expect(await v.client.next('error')).toMatchObject({ code: 'identity_refused' });
    v.client.send({ t: 'info', name: 'Vera', userId: 'u1', hash: sign('u1') });
    const seen = await op.client.next('visitor', (f) => f.visitor.name !== undefined);
    expect(seen.visitor).toMatchObject({ name: 'Vera', verified: true, userId: 'u1' });
    expect(seen.visitor).not.toHaveProperty('email');
    await v.client.settle();
    expect(v.client.queued('error')).toEqual([]);
    // The chat itself still works for the refused visitor.
    v.client.send({ t: 'msg', id: 'm1', text: 'hi' });
    expect(await v.client.next('ack')).toMatchObject({ id: 'm1', seq: 1 });
  });

  it('15: the secret and the hash never reach a visitor, an operator or a log line', async () => {
    const { visitorUrl, operatorUrl, logs } = await withIdentity({ secret: SECRET });
    const wire: string[] = [];
    const op = track(await operator(operatorUrl()));
    op.client.ws.on('message', (d) => wire.push(String(d)));
    const v = track(await visitor(visitorUrl()));
    v.client.ws.on('message', (d) => wire.push(String(d)));
    const hash = sign('u1');
    v.client.send({ t: 'info', name: 'Vera', userId: 'u1', hash });
    await op.client.next('visitor', (f) => f.visitor.verified === true);
    v.client.send({ t: 'info', userId: 'u1', hash: sign('u9') });
    await op.client.next('visitor', (f) => f.visitor.verified === undefined);
    const again = track(await visitor(visitorUrl(), { resume: v.welcome.token }));
    expect(again.welcome.resumed).toBe(true);
    const late = track(await operator(operatorUrl()));
    const seen = [...wire, JSON.stringify(v.welcome), JSON.stringify(again.welcome)];
    seen.push(JSON.stringify(late.ready));
    expect(seen.join('\n')).toContain('"visitor"');
    for (const text of [seen.join('\n'), logs()]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(hash);
    }
  });

  it('15: a reloaded secret checks the next identify call', async () => {
    const t = await withIdentity({ secret: SECRET });
    const op = track(await operator(t.operatorUrl()));
    const v = track(await visitor(t.visitorUrl()));
    const rotated = `${SECRET}-rotated`;
    t.relay.reload({
      ...testConfig(transport),
      port: t.relay.port,
      sites: sitesWith({ secret: rotated }),
    });
    v.client.send({ t: 'info', name: 'Old', userId: 'u1', hash: sign('u1') });
    const old = await op.client.next('visitor', (f) => f.visitor.name === 'Old');
    expect(old.visitor).not.toHaveProperty('verified');
    v.client.send({ t: 'info', name: 'New', userId: 'u1', hash: sign('u1', rotated) });
    const fresh = await op.client.next('visitor', (f) => f.visitor.name === 'New');
    expect(fresh.visitor).toMatchObject({ verified: true, userId: 'u1' });
  });
});
