import { describe, expect, it } from 'vitest';
import {
  hello,
  OTHER_KEY,
  OTHER_ORIGIN,
  operator,
  relaysPerTest,
  startTestRelay,
  TestClient,
  TRANSPORTS,
  visitor,
} from './test-relay.js';

describe.each(TRANSPORTS)('relay bad inputs (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);
  function client(url: string, origin: string | null = 'https://acme.example') {
    const c = new TestClient(url, origin);
    cleanups.push(() => c.close());
    return c;
  }
  async function metric(url: string, line: string): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(line));
    return found ? Number(found.slice(line.length).trim()) : 0;
  }

  it('B1: refuses a foreign Origin with 403 before the upgrade, and counts it', async () => {
    const { relay, visitorUrl, operatorUrl } = await start();
    const counter = 'conduit_origin_rejections_total{role="visitor"}';
    expect(await metric(relay.url, counter)).toBe(0);
    await expect(client(visitorUrl(), 'https://evil.example').opened()).rejects.toThrow('HTTP 403');
    await expect(client(operatorUrl(), 'https://evil.example').opened()).rejects.toThrow(
      'HTTP 403',
    );
    expect(await metric(relay.url, counter)).toBe(1);
    expect(await metric(relay.url, 'conduit_origin_rejections_total{role="operator"}')).toBe(1);
    expect(relay.stats()).toMatchObject({ sessions: 0, connections: { visitor: 0, operator: 0 } });
  });

  it('B2: refuses Origin look-alikes, other schemes and ports, a missing Origin and null', async () => {
    const { visitorUrl, relay } = await start();
    const lookAlikes = [
      'https://acme.example.evil.com',
      'https://evilacme.example',
      'http://acme.example',
      'https://acme.example:8443',
      'https://acme.example/',
      'https://ACME.example.',
      'null',
      null,
    ];
    for (const origin of lookAlikes) {
      await expect(client(visitorUrl(), origin).opened()).rejects.toThrow('HTTP 403');
    }
    await expect(client(visitorUrl('nosuchsite')).opened()).rejects.toThrow('HTTP 404');
    expect(relay.stats().sessions).toBe(0);
    // The site's own origin still gets in.
    await client(visitorUrl()).opened();
  });

  it('B3: refuses an operator with a valid key from a foreign Origin', async () => {
    const { operatorUrl } = await start();
    await expect(client(operatorUrl('other'), 'https://acme.example').opened()).rejects.toThrow(
      'HTTP 403',
    );
    await expect(client(operatorUrl(), OTHER_ORIGIN).opened()).rejects.toThrow('HTTP 403');
  });

  it('accepts the console it serves: operators from the relay’s own origin, visitors not', async () => {
    const { relay, operatorUrl, visitorUrl } = await start({
      publicUrl: 'https://chat.acme.example',
    });
    const own = `http://127.0.0.1:${relay.port}`;
    const op = await operator(operatorUrl(), undefined, own);
    cleanups.push(() => op.client.close());
    expect(op.ready.site.id).toBe('acme');
    const viaPublicUrl = await operator(operatorUrl(), undefined, 'https://chat.acme.example');
    cleanups.push(() => viaPublicUrl.client.close());
    await expect(client(visitorUrl(), own).opened()).rejects.toThrow('HTTP 403');
    await expect(
      client(operatorUrl(), `http://127.0.0.1:${relay.port + 1}`).opened(),
    ).rejects.toThrow('HTTP 403');
  });

  it('refuses a wrong operator key with auth_failed and 4001, and a silent socket with 4004', async () => {
    const { operatorUrl, visitorUrl } = await start({ limits: { handshakeTimeoutMs: 50 } });
    const wrong = client(operatorUrl());
    await wrong.opened();
    wrong.send({ t: 'auth', key: OTHER_KEY });
    expect(await wrong.next('error')).toMatchObject({ code: 'auth_failed' });
    expect((await wrong.closed).code).toBe(4001);
    const silent = client(visitorUrl());
    await silent.opened();
    expect((await silent.closed).code).toBe(4004);
    const early = client(visitorUrl());
    await early.opened();
    early.send({ t: 'msg', id: 'x', text: 'before hello' });
    expect(await early.next('error')).toMatchObject({ code: 'not_ready' });
  });

  it('B9: closes a socket that sends an oversized frame with 1009; others carry on', async () => {
    const { visitorUrl } = await start();
    const good = await visitor(visitorUrl());
    cleanups.push(() => good.client.close());
    const bad = await visitor(visitorUrl());
    cleanups.push(() => bad.client.close());
    bad.client.send(JSON.stringify({ t: 'msg', id: 'big', text: 'x'.repeat(40_000) }));
    expect((await bad.client.closed).code).toBe(1009);
    good.client.send({ t: 'msg', id: 'ok', text: 'fine' });
    expect(await good.client.next('ack')).toEqual({ t: 'ack', id: 'ok', seq: 1 });
  });

  it('B12: answers garbage with error frames, closes with 1008 on repeat, and pollutes nothing', async () => {
    const { visitorUrl, relay } = await start();
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    const cases: Array<[string, string]> = [
      ['not json', 'bad_json'],
      ['[[[[[[[[[[[[[[1]]]]]]]]]]]]]]', 'too_deep'],
      ['{"t":"msg","__proto__":{"polluted":true},"id":"a","text":"x"}', 'forbidden_key'],
      ['{"t":"info","custom":{"constructor":{"prototype":{"polluted":1}}}}', 'forbidden_key'],
      ['{"t":"msg","id":5,"text":"x"}', 'invalid_frame'],
      ['{"t":"nope"}', 'unknown_type'],
      ['{"t":"msg","id":"a","text":1e309}', 'invalid_frame'],
      ['"just a string"', 'not_object'],
    ];
    for (const [raw, code] of cases) {
      v.client.send(raw);
      expect(await v.client.next('error')).toMatchObject({ code });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    v.client.send({ t: 'msg', id: 'ok', text: 'still works' });
    expect(await v.client.next('ack')).toMatchObject({ id: 'ok' });
    v.client.send('garbage');
    v.client.send('garbage');
    expect((await v.client.closed).code).toBe(1008);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('B14: throttles a flood with rate_limited, then closes with 1008; other sites unaffected', async () => {
    const { visitorUrl, operatorUrl } = await start({
      limits: { burst: 10, rate: 5, floodClose: 40 },
    });
    const other = await visitor(visitorUrl('other'), {}, OTHER_ORIGIN);
    cleanups.push(() => other.client.close());
    // hello took one token from the flooder's bucket too
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    for (let i = 0; i < 1000 && v.client.ws.readyState === 1; i++) {
      v.client.send({ t: 'msg', id: `f${i}`, text: 'spam' });
    }
    expect(await v.client.next('error')).toMatchObject({ code: 'rate_limited' });
    expect((await v.client.closed).code).toBe(1008);
    expect(v.client.queued('ack').length).toBeLessThanOrEqual(10);
    const op = await operator(operatorUrl('other'), OTHER_KEY, OTHER_ORIGIN);
    cleanups.push(() => op.client.close());
    other.client.send({ t: 'msg', id: 'calm', text: 'hello' });
    expect(await other.client.next('ack')).toMatchObject({ id: 'calm' });
    expect(await op.client.next('msg')).toMatchObject({ id: 'calm' });
  });

  it('B16: answers a replayed, foreign or guessed resume token with ended and no content', async () => {
    const { visitorUrl, logs } = await start();
    const a = await visitor(visitorUrl());
    a.client.send({ t: 'msg', id: 'm', text: 'private words' });
    await a.client.next('ack');
    const token = a.welcome.token;
    const b = await visitor(visitorUrl('other'), {}, OTHER_ORIGIN);
    cleanups.push(() => b.client.close());
    // Foreign: a token of site acme on site other.
    const foreign = client(visitorUrl('other'), OTHER_ORIGIN);
    await foreign.opened();
    foreign.send(hello({ resume: token, lastSeq: 0 }));
    expect(await foreign.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
    // Guessed.
    const guessed = client(visitorUrl());
    await guessed.opened();
    guessed.send(hello({ resume: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', lastSeq: 0 }));
    expect(await guessed.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
    // Replayed after the end.
    a.client.send({ t: 'end' });
    await a.client.closed;
    const replay = client(visitorUrl());
    await replay.opened();
    replay.send(hello({ resume: token, lastSeq: 0 }));
    expect(await replay.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
    await replay.settle();
    expect(replay.queued()).toEqual([]);
    // A fresh hello on the same socket starts a new, empty chat.
    replay.send(hello());
    const fresh = await replay.next('welcome');
    expect(fresh.resumed).toBe(false);
    expect(fresh.session).not.toBe(a.welcome.session);
    expect(logs()).not.toContain(token);
    expect(logs()).not.toContain(b.welcome.token);
  });

  it('B17: denies every frame that names another site’s session', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    const session = v.welcome.session;
    const intruder = await operator(operatorUrl('other'), OTHER_KEY, OTHER_ORIGIN);
    cleanups.push(() => intruder.client.close());
    expect(intruder.ready.visitors).toEqual([]);
    const frames = [
      { t: 'accept', session },
      { t: 'accept', session, takeover: true },
      { t: 'msg', session, id: 'evil', text: 'hi from elsewhere' },
      { t: 'typing', session, on: true },
      { t: 'invite', session, text: 'come' },
      { t: 'sync', session, lastSeq: 0 },
      { t: 'close', session },
    ];
    for (const frame of frames) {
      intruder.client.send(frame);
      expect(await intruder.client.next('error')).toMatchObject({
        code: 'unknown_session',
        session,
      });
    }
    await intruder.client.settle();
    expect(intruder.client.queued().filter((f) => f.t !== 'operators')).toEqual([]);
    // The visitor saw nothing of it, and the chat is still there.
    await v.client.settle();
    expect(v.client.queued().map((f) => f.t)).toEqual([]);
    v.client.send({ t: 'msg', id: 'ok', text: 'hello' });
    expect(await v.client.next('ack')).toMatchObject({ seq: 1 });
  });

  it('caps connections per address with 429', async () => {
    const { visitorUrl, relay } = await start({ limits: { connectionsPerAddress: 2 } });
    await client(visitorUrl()).opened();
    await client(visitorUrl()).opened();
    await expect(client(visitorUrl()).opened()).rejects.toThrow('HTTP 429');
    expect(relay.stats().addresses).toBe(1);
  });

  it('refuses a new session past maxPerSite with limit_reached and 1013', async () => {
    const { visitorUrl } = await start({ session: { graceMs: 1000, maxPerSite: 1 } });
    const first = await visitor(visitorUrl());
    cleanups.push(() => first.client.close());
    const second = client(visitorUrl());
    await second.opened();
    second.send(hello());
    expect(await second.next('error')).toMatchObject({ code: 'limit_reached' });
    expect((await second.closed).code).toBe(1013);
  });
});

describe('relay internal errors', () => {
  it('answers a frame whose handling throws with error internal and keeps the socket', async () => {
    let calls = 0;
    const { relay, visitorUrl, logs } = await startTestRelay(
      'uws',
      {},
      {
        tech: {
          lookup: () => {
            calls++;
            if (calls === 1) throw new Error('MARKER-broken-database');
            return { ip: '127.0.0.1', browser: 'Chrome', os: 'Linux', device: 'desktop' };
          },
        },
      },
    );
    try {
      const v = new TestClient(visitorUrl());
      await v.opened();
      v.send(hello());
      expect(await v.next('error')).toMatchObject({ code: 'internal' });
      v.send(hello());
      expect((await v.next('welcome')).resumed).toBe(false);
      expect(logs()).toContain('"msg":"frame handler failed"');
      expect(logs()).not.toContain('MARKER-broken-database');
      await v.close();
    } finally {
      await relay.close();
    }
  });
});
