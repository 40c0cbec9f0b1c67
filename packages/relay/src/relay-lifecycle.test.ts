import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  hello,
  KEY,
  ORIGIN,
  operator,
  relaysPerTest,
  startTestRelay,
  TestClient,
  TRANSPORTS,
  visitor,
} from './test-relay.js';

/** A client frame (masked with a zero key, which leaves the payload as is). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error('short frames only');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

describe.each(TRANSPORTS)('relay lifecycle (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);

  it('F6: on shutdown ends every session, mails transcripts, closes clients with 1012, drains', async () => {
    const { relay, visitorUrl, operatorUrl, dispatcher, logs } = await start();
    const op = await operator(operatorUrl());
    const chats = [];
    for (let i = 0; i < 3; i++) {
      const v = await visitor(visitorUrl());
      v.client.send({ t: 'msg', id: `m${i}`, text: `question ${i}` });
      await v.client.next('ack');
      chats.push(v);
    }
    const browsing = await visitor(visitorUrl());
    await relay.close();
    for (const v of [...chats, browsing]) {
      expect(await v.client.next('ended')).toEqual({ t: 'ended', reason: 'shutdown' });
      expect((await v.client.closed).code).toBe(1012);
    }
    expect((await op.client.closed).code).toBe(1012);
    expect(dispatcher.jobs.map((j) => j.kind === 'transcript' && j.endReason)).toEqual([
      'shutdown',
      'shutdown',
      'shutdown',
    ]);
    expect(dispatcher.drains()).toBe(1);
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
    expect(relay.stats()).toMatchObject({
      sessions: 0,
      operators: 0,
      connections: { visitor: 0, operator: 0 },
      addresses: 0,
    });
    expect(logs()).toContain('"msg":"closed"');
  });

  it('F12: leaves every map empty once all sessions have ended, however they ended', async () => {
    const { relay, visitorUrl, operatorUrl } = await start({ session: { graceMs: 20 } });
    const op = await operator(operatorUrl());
    const clients: TestClient[] = [];
    for (let i = 0; i < 12; i++) {
      const v = await visitor(visitorUrl());
      v.client.send({ t: 'msg', id: 'a', text: 'hi' });
      await v.client.next('ack');
      v.client.send({ t: 'page', url: `https://acme.example/p${i}`, title: `P${i}` });
      clients.push(v.client);
      const session = v.welcome.session;
      if (i % 3 === 0) v.client.send({ t: 'end' });
      else if (i % 3 === 1) op.client.send({ t: 'close', session });
      else v.client.ws.terminate();
    }
    for (let i = 0; i < 12; i++) await op.client.next('gone');
    await op.client.close();
    for (const c of clients) await c.close();
    for (let i = 0; i < 100 && relay.stats().connections.visitor > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(relay.stats()).toEqual({
      sessions: 0,
      operators: 0,
      connections: { visitor: 0, operator: 0 },
      addresses: 0,
      store: {
        sessions: 0,
        siteIndexes: 0,
        siteEntries: 0,
        operatorSites: 0,
        operators: 0,
        graceTimers: 0,
      },
    });
  });

  it('keeps chat text, names, e-mails, IPs and tokens out of the logs', async () => {
    const { visitorUrl, operatorUrl, logs } = await start({ trustProxy: true });
    const marks = {
      name: 'Zyxname Markerova',
      email: 'marker.zyx@mail-marker.example',
      text: 'MARKER-TEXT-42 my card number',
      reply: 'MARKER-REPLY-77',
      title: 'MARKER-TITLE-99',
      custom: 'MARKER-CUSTOM-55',
      ip: '198.51.100.77',
      offline: 'MARKER-OFFLINE-31',
    };
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const v = new TestClient(visitorUrl(), ORIGIN, { 'x-forwarded-for': marks.ip });
    cleanups.push(() => v.close());
    await v.opened();
    v.send(
      hello({
        page: { url: 'https://acme.example/?q=MARKER-QUERY', title: marks.title },
        info: { name: marks.name, email: marks.email, custom: { plan: marks.custom } },
      }),
    );
    const welcome = await v.next('welcome');
    expect((await op.client.next('visitor')).visitor.ip).toBe(marks.ip);
    v.send({ t: 'msg', id: 'p1', text: marks.text });
    await v.next('ack');
    op.client.send({ t: 'msg', session: welcome.session, id: 'p2', text: marks.reply });
    await v.next('msg');
    v.send({ t: 'offline', id: 'o1', name: marks.name, email: marks.email, text: marks.offline });
    await v.next('queued');
    v.send({ t: 'end' });
    await v.closed;
    await op.client.next('gone');
    const text = logs();
    expect(text).toContain('"msg":"session ended"');
    for (const value of [...Object.values(marks), welcome.token, KEY, 'MARKER-QUERY']) {
      expect(text).not.toContain(value);
    }
  });

  it('F5: drops a slow operator instead of buffering without bound; replay catches it up', async () => {
    const { relay, visitorUrl, operatorUrl } = await start({
      limits: { maxBackpressureBytes: 16 * 1024, rate: 10_000, burst: 10_000, floodClose: 10_000 },
      session: { graceMs: 60_000, historyCap: 8000 },
    });
    // An operator that authenticates and then stops reading.
    const socket = connect(relay.port, '127.0.0.1');
    cleanups.push(async () => socket.destroy());
    await once(socket, 'connect');
    socket.write(
      `GET /v1/operator?site=acme HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await once(socket, 'data');
    socket.write(maskedText(JSON.stringify({ t: 'auth', key: KEY })));
    for (let i = 0; i < 100 && relay.stats().operators === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.pause();
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    // 3 bytes per character on the wire: fills socket buffers with few frames.
    const text = '€'.repeat(3900);
    let sent = 0;
    while (relay.stats().operators > 0 && sent < 4000) {
      v.client.send({ t: 'msg', id: `m${sent}`, text });
      sent++;
      await v.client.next('ack');
    }
    expect(relay.stats().operators).toBe(0);
    expect(relay.stats().connections.operator).toBe(0);
    // A reconnecting console gets every message back.
    const back = await operator(operatorUrl());
    cleanups.push(() => back.client.close());
    const session = v.welcome.session;
    expect(back.ready.visitors[0].lastSeq).toBe(sent);
    back.client.send({ t: 'sync', session, lastSeq: 0 });
    const last = await back.client.next('msg', (f) => f.seq === sent);
    expect(last.id).toBe(`m${sent - 1}`);
  });
});

describe('relay transport fallback', () => {
  it('F15: says so in one log line and runs on ws when native uWS cannot load', async () => {
    const { relay, logs, visitorUrl } = await startTestRelay(
      'uws',
      {},
      { loadUws: () => ({ ok: false, reason: 'uws_linux_x64_115.node did not load: bad ELF' }) },
    );
    try {
      expect(relay.transport).toBe('ws');
      const lines = logs()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const fallback = lines.filter((l) => String(l.msg).includes('uWebSockets.js'));
      expect(fallback).toHaveLength(1);
      expect(fallback[0]).toMatchObject({ level: 40, transport: 'ws' });
      expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ transport: 'ws' });
      const v = await visitor(visitorUrl());
      expect(v.welcome.resumed).toBe(false);
      await v.client.close();
    } finally {
      await relay.close();
    }
  });
});
