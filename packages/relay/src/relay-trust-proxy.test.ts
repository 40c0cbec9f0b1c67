import { describe, expect, it } from 'vitest';
import { hello, ORIGIN, operator, relaysPerTest, TestClient, TRANSPORTS } from './test-relay.js';

// Issue 17: `trustProxy` as a list of our proxies. The test's socket comes from 127.0.0.1
// (`loopback`, the inner proxy); 10.0.0.0/8 is the outer proxy's network. Entries left of the
// first untrusted hop are the client's own writing, forged here on purpose.

describe.each(TRANSPORTS)('trustProxy list (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);

  /** A visitor whose request arrives with `forwardedFor` as the proxies left it. */
  async function through(url: string, forwardedFor: string) {
    const v = new TestClient(url, undefined, { 'x-forwarded-for': forwardedFor });
    cleanups.push(() => v.close());
    await v.opened();
    return v;
  }

  it('17: takes the right-most untrusted hop behind two proxies, for the cap and the operator', async () => {
    const { relay, visitorUrl, operatorUrl } = await start({
      trustProxy: ['loopback', '10.0.0.0/8'],
      limits: { connectionsPerAddress: 2 },
    });
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    // The visitor 198.51.100.7 forged a trusted-looking and a foreign entry; the outer proxy
    // (10.1.2.3 or 10.4.5.6) appended the visitor, the inner one appended the outer proxy.
    const first = await through(visitorUrl(), '10.6.6.6, 203.0.113.66, 198.51.100.7, 10.1.2.3');
    first.send(hello());
    await first.next('welcome');
    expect((await op.client.next('visitor')).visitor.ip).toBe('198.51.100.7');
    await through(visitorUrl(), '192.0.2.1,198.51.100.7, 10.4.5.6');
    // A third socket of the same visitor, whatever it forges, hits its own cap.
    const third = new TestClient(visitorUrl(), undefined, {
      'x-forwarded-for': '203.0.113.99, 198.51.100.7, 10.1.2.3',
    });
    cleanups.push(() => third.close());
    await expect(third.opened()).rejects.toThrow('HTTP 429');
    // Another visitor through the same proxies is not counted with the first.
    const other = await through(visitorUrl(), '198.51.100.8, 10.1.2.3');
    other.send(hello());
    await other.next('welcome');
    expect((await op.client.next('visitor')).visitor.ip).toBe('198.51.100.8');
    // Three addresses: the two visitors and the operator's own 127.0.0.1 (it sent no header).
    expect(relay.stats().addresses).toBe(3);
  });

  it('17: ignores X-Forwarded-For from a peer outside the list', async () => {
    const { visitorUrl, operatorUrl } = await start({ trustProxy: ['10.0.0.0/8'] });
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await through(visitorUrl(), '198.51.100.7');
    v.send(hello());
    await v.next('welcome');
    expect((await op.client.next('visitor')).visitor.ip).toBe('127.0.0.1');
  });

  it('17: spends the offline budget of the visitor behind the proxies, not of the proxies', async () => {
    const { relay, dispatcher } = await start({
      trustProxy: ['loopback', '10.0.0.0/8'],
      limits: { offlineBurst: 1 },
    });
    const post = (forwardedFor: string) =>
      fetch(`${relay.url}/v1/offline?site=acme`, {
        method: 'POST',
        headers: {
          origin: ORIGIN,
          'content-type': 'application/json',
          'x-forwarded-for': forwardedFor,
        },
        body: JSON.stringify({ name: 'Vera', email: 'vera@example.com', text: 'Call me' }),
      }).then((res) => res.status);
    expect(await post('10.6.6.6, 198.51.100.7, 10.1.2.3')).toBe(202);
    expect(await post('203.0.113.66, 198.51.100.7, 10.4.5.6')).toBe(429);
    expect(await post('198.51.100.8, 10.1.2.3')).toBe(202);
    expect(dispatcher.jobs.map((job) => job.kind === 'offline' && job.tech?.ip)).toEqual([
      '198.51.100.7',
      '198.51.100.8',
    ]);
  });
});
