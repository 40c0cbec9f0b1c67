import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { type ConnState, createHub, newConnState, type RelayConn } from './hub.js';
import { recordingDispatcher, testConfig } from './test-relay.js';
import { ratePolicy } from './token-bucket.js';
import type { SendResult } from './transport/transport.js';

// Backpressure policy of `hub.send`, with a connection whose buffer the test controls.

function fakeConn(hubSite: ConnState['site']) {
  const sent: string[] = [];
  const conn = {
    buffered: 0,
    closed: false,
    terminated: false,
    sent,
    data: {
      ...newConnState('operator', hubSite, '127.0.0.1', '', ratePolicy(1, 1)),
      phase: 'ready',
    } satisfies ConnState,
    send(text: string): SendResult {
      sent.push(text);
      this.buffered += text.length;
      return 'ok';
    },
    queued: [] as string[],
    queue(text: string): SendResult {
      this.queued.push(text);
      this.buffered += text.length;
      return 'ok';
    },
    bufferedAmount() {
      return this.buffered;
    },
    close() {
      this.closed = true;
    },
    terminate() {
      this.closed = true;
      this.terminated = true;
    },
  };
  return conn;
}

/** A hub on the test config (site `acme`), with a silent logger. */
function testHub(extra: Parameters<typeof testConfig>[1] = {}) {
  const hub = createHub({
    config: parseConfig(testConfig('ws', extra)),
    dispatcher: recordingDispatcher(),
    logger: pino({ level: 'silent' }),
  });
  const site = hub.sites.get('acme');
  if (!site) throw new Error('no site');
  return { hub, site };
}

describe('hub.send backpressure', () => {
  const { hub, site } = testHub({ limits: { maxBackpressureBytes: 16 * 1024 } });

  it('F5: drops a reader that holds more than maxBackpressureBytes instead of buffering', () => {
    const conn = fakeConn(site);
    hub.send(conn as unknown as RelayConn, { t: 'pong' });
    conn.buffered = 16 * 1024 + 1;
    hub.send(conn as unknown as RelayConn, { t: 'pong' });
    expect([conn.sent.length, conn.terminated]).toEqual([1, true]);
  });

  it('F5: queues broadcasts to operators and drops an operator over the limit instead', () => {
    const conn = fakeConn(site);
    hub.store.addOperator('acme', conn as unknown as RelayConn);
    try {
      hub.toOperators('acme', { t: 'operators', operators: [] });
      expect([conn.sent.length, conn.queued.length]).toEqual([0, 1]);
      conn.buffered = 16 * 1024 + 1;
      hub.toOperators('acme', { t: 'operators', operators: [] });
      expect([conn.queued.length, conn.terminated]).toEqual([1, true]);
    } finally {
      hub.store.removeOperator('acme', conn as unknown as RelayConn);
    }
  });

  it('lets a large ready snapshot drain without dropping the operator, then applies the limit again', () => {
    const conn = fakeConn(site);
    const big = 'x'.repeat(200_000);
    hub.sendLarge(conn as unknown as RelayConn, {
      t: 'ready',
      operator: { id: 'ada', name: 'Ada' },
      site: { id: 'acme', name: big },
      operators: [],
      visitors: [],
      canned: [],
    });
    // Right after: far over the limit, but within the allowance.
    hub.send(conn as unknown as RelayConn, { t: 'operators', operators: [] });
    expect(conn.terminated).toBe(false);
    // Drained below the limit: the allowance is gone.
    conn.buffered = 100;
    hub.send(conn as unknown as RelayConn, { t: 'pong' });
    expect(conn.data.allowance).toBe(0);
    conn.buffered = 16 * 1024 + 1;
    hub.send(conn as unknown as RelayConn, { t: 'pong' });
    expect(conn.terminated).toBe(true);
  });
});

describe('hub.visitorMessageToOperators', () => {
  it('writes the same bytes as JSON.stringify of the msg frame, escapes included', () => {
    const { hub, site } = testHub();
    const op = fakeConn(site);
    hub.store.addOperator('acme', op as unknown as RelayConn);
    const session = hub.store.create({
      siteId: 'acme',
      conn: fakeConn(site) as unknown as RelayConn,
      tech: {
        ip: '',
        country: '',
        city: '',
        browser: '',
        os: '',
        device: '',
        lang: 'en',
        tz: 'UTC',
        screenW: 1,
        screenH: 1,
        referrer: '',
      },
      page: { url: 'https://acme.example/', title: 'Home' },
    });
    if (!session) throw new Error('no session');
    const text = 'He said "hi"\\ and left\n\t\u0001 \u2028 👋 </script>';
    const { message } = hub.store.append(session, { id: 'a-B_9', from: 'visitor', text });
    hub.visitorMessageToOperators(session, message);
    const expected = JSON.stringify({
      t: 'msg',
      session: session.id,
      seq: message.seq,
      id: 'a-B_9',
      from: 'visitor',
      text,
      at: message.at,
    });
    expect(op.queued).toEqual([expected]);
    // An operator being replayed this session gets it with the replay instead.
    (op.data as ConnState).replays = new Map([[session.id, 0]]);
    hub.visitorMessageToOperators(session, message);
    expect(op.queued).toHaveLength(1);
  });
});
