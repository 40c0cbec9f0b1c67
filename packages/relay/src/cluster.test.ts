import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedis, type TestRedis } from '../../../test-support/redis-server.js';
import { createLocalBus, createLocalNetwork } from './bus/local-bus.js';
import {
  cleanupAfterEach,
  hello,
  KEY_B,
  OTHER_KEY,
  OTHER_ORIGIN,
  operator,
  startTestRelay,
  TestClient,
  visitor,
} from './test-relay.js';

// Several relays as one cluster over a real redis-server (README "Scale-out: the bus"):
// operators on any node, handover of a resuming visitor, Redis restarts, SIGTERM, and no key
// ever written (SECURITY.md F14).

let redis: TestRedis;
let monitor: ChildProcess;
let monitored = '';
beforeAll(async () => {
  redis = await startRedis();
  // Every command Redis runs during this file, to check that none writes.
  monitor = spawn('/usr/bin/redis-cli', ['-p', String(redis.port), 'monitor']);
  monitor.stdout?.on('data', (chunk) => {
    monitored += String(chunk);
  });
  await vi.waitFor(() => expect(monitored).toContain('OK'), { timeout: 3000 });
});
afterAll(async () => {
  monitor?.kill();
  await redis?.stop();
});

const cleanups = cleanupAfterEach();

async function node(handoverMs = 200) {
  const t = await startTestRelay('uws', {
    cluster: { redisUrl: redis.url, claimTimeoutMs: 1000, handoverMs },
  });
  cleanups.push(() => t.relay.close());
  return t;
}

const until = (check: () => void | Promise<void>, timeout = 5000) =>
  vi.waitFor(check, { timeout, interval: 20 });

async function routed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('conduit_messages_routed_total')) sum += Number(line.split(' ').pop());
  }
  return sum;
}

describe('cluster over redis', () => {
  it('F14: an operator on node A chats with a visitor on node B; the visitor resumes on node C with its history, each message once and in order', async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    const { client: op } = await operator(a.operatorUrl());
    const { client: v, welcome } = await visitor(b.visitorUrl());
    const seen = await op.next('visitor', (f) => f.visitor.session === welcome.session);
    expect(seen.visitor.state).toBe('browsing');
    expect((await v.next('status', (f) => f.online)).operators).toEqual([{ name: 'Ada' }]);

    v.send({ t: 'msg', id: 'v1', text: 'Hello from B' });
    expect(await v.next('ack')).toEqual({ t: 'ack', id: 'v1', seq: 1 });
    expect(await op.next('msg')).toMatchObject({
      session: welcome.session,
      seq: 1,
      text: 'Hello from B',
    });
    v.send({ t: 'typing', on: true });
    expect(await op.next('typing')).toMatchObject({
      session: welcome.session,
      on: true,
      from: 'visitor',
    });

    op.send({ t: 'accept', session: welcome.session });
    expect((await v.next('status', (f) => f.agent !== null)).agent).toEqual({ name: 'Ada' });
    op.send({ t: 'typing', session: welcome.session, on: true });
    expect(await v.next('typing')).toEqual({ t: 'typing', on: true, name: 'Ada' });
    op.send({ t: 'msg', session: welcome.session, id: 'o1', text: 'Hi, Ada here' });
    expect(await op.next('ack')).toEqual({ t: 'ack', session: welcome.session, id: 'o1', seq: 2 });
    expect(await v.next('msg')).toMatchObject({
      seq: 2,
      from: 'operator',
      name: 'Ada',
      text: 'Hi, Ada here',
    });
    // A resent id is acked again and reaches nobody twice.
    op.send({ t: 'msg', session: welcome.session, id: 'o1', text: 'Hi, Ada here' });
    expect(await op.next('ack')).toMatchObject({ id: 'o1', seq: 2 });

    // Navigation: the next page's socket lands on node C.
    await v.close();
    const moved = new TestClient(c.visitorUrl());
    await moved.opened();
    moved.send(hello({ resume: welcome.token, lastSeq: 0 }));
    const again = await moved.next('welcome');
    expect(again).toMatchObject({ session: welcome.session, token: welcome.token, resumed: true });
    const replay = [await moved.next('msg'), await moved.next('msg')];
    expect(replay.map((m) => [m.seq, m.text])).toEqual([
      [1, 'Hello from B'],
      [2, 'Hi, Ada here'],
    ]);
    await until(() => expect([b.relay.stats().sessions, c.relay.stats().sessions]).toEqual([0, 1]));

    op.send({ t: 'msg', session: welcome.session, id: 'o2', text: 'Still here?' });
    expect(await op.next('ack')).toMatchObject({ id: 'o2', seq: 3 });
    expect(await moved.next('msg')).toMatchObject({ seq: 3, text: 'Still here?' });
    moved.send({ t: 'msg', id: 'v2', text: 'Yes, on C' });
    expect(await moved.next('ack')).toEqual({ t: 'ack', id: 'v2', seq: 4 });
    expect(await op.next('msg', (f) => f.seq === 4)).toMatchObject({ text: 'Yes, on C' });
    await moved.settle();
    await op.settle();
    expect(moved.queued('msg')).toEqual([]);
    expect(op.queued('msg')).toEqual([]);

    // Each node counts what it stored: the counts add up to the chat's four messages.
    expect(
      (await routed(a.relay.url)) + (await routed(b.relay.url)) + (await routed(c.relay.url)),
    ).toBe(4);
    const metrics = await (await fetch(`${a.relay.url}/metrics`)).text();
    expect(metrics).toContain('conduit_bus_up 1');
    const sessions = [a, b, c].map((n) => n.relay.stats().sessions);
    expect(sessions.reduce((x, y) => x + y)).toBe(1);

    op.send({ t: 'close', session: welcome.session });
    expect(await moved.next('ended')).toEqual({ t: 'ended', reason: 'operator' });
    expect(await op.next('gone')).toMatchObject({ session: welcome.session, reason: 'operator' });
    expect([a, b, c].map((n) => n.dispatcher.jobs.length)).toEqual([0, 0, 1]);
    const job = c.dispatcher.jobs[0];
    expect(job?.kind === 'transcript' && job.messages.map((m) => m.text)).toEqual([
      'Hello from B',
      'Ada joined the chat',
      'Hi, Ada here',
      'Still here?',
      'Yes, on C',
    ]);
    expect(b.logs()).not.toContain('Hello from B');
    await op.close();
  });

  it('F14: an operator signing in on any node sees every visitor of the site, and a visitor sees every operator', async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    const one = await visitor(b.visitorUrl());
    const two = await visitor(c.visitorUrl());
    const { client: op, ready } = await operator(a.operatorUrl());
    expect(ready.visitors).toEqual([]);
    const sessions = new Set([
      (await op.next('visitor')).visitor.session,
      (await op.next('visitor')).visitor.session,
    ]);
    expect(sessions).toEqual(new Set([one.welcome.session, two.welcome.session]));
    expect((await two.client.next('status', (f) => f.online)).online).toBe(true);
    // Another site's operator on A cannot name them (B17).
    const { client: olga } = await operator(a.operatorUrl('other'), OTHER_KEY, OTHER_ORIGIN);
    olga.send({ t: 'msg', session: one.welcome.session, id: 'x1', text: 'hi' });
    expect(await olga.next('error')).toMatchObject({ code: 'unknown_session' });
    // The visitor leaves: gone everywhere.
    one.client.send({ t: 'end' });
    expect(await op.next('gone')).toMatchObject({ session: one.welcome.session });
    await op.close();
    await olga.close();
  });

  it('F14: Redis restarts mid-chat: each node keeps its own chats, consoles show a partial view, then the cross-node chat continues', async () => {
    const [a, b] = [await node(), await node()];
    const { client: op } = await operator(a.operatorUrl());
    const { client: v, welcome } = await visitor(b.visitorUrl());
    await op.next('visitor', (f) => f.visitor.session === welcome.session);
    v.send({ t: 'msg', id: 'v1', text: 'before' });
    await v.next('ack');
    await op.next('msg');

    await redis.stop();
    expect(await op.next('cluster', () => true, 8000)).toEqual({ t: 'cluster', partial: true });
    // Node A's own visitor still reaches A's operator.
    const local = await visitor(a.visitorUrl());
    local.client.send({ t: 'msg', id: 'l1', text: 'local during outage' });
    expect(await op.next('msg', (f) => f.session === local.welcome.session)).toMatchObject({
      text: 'local during outage',
    });
    // Node B still stores and acks its visitor.
    v.send({ t: 'msg', id: 'v2', text: 'during' });
    expect(await v.next('ack')).toMatchObject({ id: 'v2', seq: 2 });

    await redis.start();
    expect(await op.next('cluster', () => true, 10_000)).toEqual({ t: 'cluster', partial: false });
    // B republished its visitors; the operator catches up on what it missed by sync.
    await op.next(
      'visitor',
      (f) => f.visitor.session === welcome.session && f.visitor.lastSeq === 2,
      10_000,
    );
    await until(async () => {
      op.send({ t: 'sync', session: welcome.session, lastSeq: 1 });
      await op.next('msg', (f) => f.seq === 2, 500);
    }, 10_000);
    v.send({ t: 'msg', id: 'v3', text: 'after' });
    expect(await op.next('msg', (f) => f.seq === 3)).toMatchObject({ text: 'after' });
    op.send({ t: 'msg', session: welcome.session, id: 'o1', text: 'got them all' });
    expect(await v.next('msg', (f) => f.from === 'operator')).toMatchObject({
      seq: 4,
      text: 'got them all',
    });
    await op.close();
  });

  it('F6/F14: SIGTERM on a node: its visitor gets close 1012 and resumes on another node with its history; no transcript from the leaving node', async () => {
    const [a, b] = [await node(), await node(5000)];
    const { client: op } = await operator(a.operatorUrl());
    const { client: v, welcome } = await visitor(b.visitorUrl());
    v.send({ t: 'msg', id: 'v1', text: 'first' });
    await v.next('ack');
    await op.next('msg');
    const closing = b.relay.close();
    expect((await v.closed).code).toBe(1012);
    const back = new TestClient(a.visitorUrl());
    await back.opened();
    back.send(hello({ resume: welcome.token, lastSeq: 1 }));
    expect(await back.next('welcome')).toMatchObject({ session: welcome.session, resumed: true });
    await closing;
    expect(b.dispatcher.jobs).toEqual([]);
    back.send({ t: 'msg', id: 'v2', text: 'second' });
    expect(await back.next('ack')).toMatchObject({ id: 'v2', seq: 2 });
    expect(await op.next('msg', (f) => f.seq === 2)).toMatchObject({ text: 'second' });
    await op.close();
  });

  it('B16: a resume token nobody holds is answered ended {unknown} after the claim times out', async () => {
    const [a] = [await node(), await node()];
    const v = new TestClient(a.visitorUrl());
    await v.opened();
    v.send(hello({ resume: 'A'.repeat(44), lastSeq: 0 }));
    expect(await v.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
  });

  it('F14: a node subscribes to a site only while it holds a socket or a session of it', async () => {
    const a = await node();
    const subscribers = async () =>
      Number((await redis.cli('pubsub', 'numsub', 'conduit:site:other')).trim().split('\n')[1]);
    expect(await subscribers()).toBe(0);
    const v = await visitor(a.visitorUrl('other'), {}, OTHER_ORIGIN);
    await until(async () => expect(await subscribers()).toBe(1));
    v.client.send({ t: 'end' });
    await v.client.next('ended');
    await until(async () => expect(await subscribers()).toBe(0));
  });

  it('F14: writes no Redis key, and Redis ran no write command', async () => {
    const seen = monitored;
    expect((await redis.cli('--scan')).trim()).toBe('');
    const commands = new Set(
      seen
        .split('\n')
        .map((line) => /^\S+ \[[^\]]+\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase())
        .filter((c): c is string => c !== undefined),
    );
    expect(commands.size).toBeGreaterThan(0);
    // `pubsub` is this file's own look at the subscriptions (read-only).
    const allowed = new Set([
      'pubsub',
      'publish',
      'subscribe',
      'unsubscribe',
      'ping',
      'client',
      'hello',
      'select',
    ]);
    expect([...commands].filter((c) => !allowed.has(c))).toEqual([]);
  });
});

describe('cluster over the local bus', () => {
  it('relays of one process sharing a network act as one: operator and visitor on different nodes, resume on the other', async () => {
    const network = createLocalNetwork();
    const start = async () => {
      const t = await startTestRelay(
        'ws',
        { cluster: { handoverMs: 200 } },
        { bus: (h) => createLocalBus(network, h) },
      );
      cleanups.push(() => t.relay.close());
      return t;
    };
    const [a, b] = [await start(), await start()];
    const { client: op } = await operator(a.operatorUrl());
    const { client: v, welcome } = await visitor(b.visitorUrl());
    await op.next('visitor', (f) => f.visitor.session === welcome.session);
    v.send({ t: 'msg', id: 'v1', text: 'local bus' });
    expect(await op.next('msg')).toMatchObject({ seq: 1, text: 'local bus' });
    op.send({ t: 'msg', session: welcome.session, id: 'o1', text: 'heard you' });
    expect(await op.next('ack')).toMatchObject({ id: 'o1', seq: 2 });
    expect(await v.next('msg', (f) => f.seq === 2)).toMatchObject({ text: 'heard you' });
    await v.close();
    const moved = new TestClient(a.visitorUrl());
    await moved.opened();
    moved.send(hello({ resume: welcome.token, lastSeq: 1 }));
    expect(await moved.next('welcome')).toMatchObject({ session: welcome.session, resumed: true });
    expect(await moved.next('msg')).toMatchObject({ seq: 2, text: 'heard you' });
    expect([a.relay.stats().sessions, b.relay.stats().sessions]).toEqual([1, 0]);
    await moved.close();
    await op.close();
  });

  it('16: an away operator on node A is offline for a visitor on node B, and shown away to a colleague there', async () => {
    const network = createLocalNetwork();
    const start = async () => {
      const t = await startTestRelay(
        'ws',
        { cluster: { handoverMs: 200 } },
        { bus: (h) => createLocalBus(network, h) },
      );
      cleanups.push(() => t.relay.close());
      return t;
    };
    const [a, b] = [await start(), await start()];
    const { client: ada } = await operator(a.operatorUrl());
    const { client: v, welcome } = await visitor(b.visitorUrl());
    // B learns of A's operators when it subscribes to the site: before or after `welcome`.
    if (!welcome.online) await v.next('status', (f) => f.online);
    ada.send({ t: 'status', away: true });
    expect(await v.next('status', (f) => !f.online)).toMatchObject({ operators: [] });
    const { client: bob, ready } = await operator(b.operatorUrl(), KEY_B);
    expect(ready.operators).toEqual(
      expect.arrayContaining([{ id: 'ada', name: 'Ada', away: true }]),
    );
    bob.send({ t: 'status', away: true });
    await bob.next('operators', (f) => f.operators.every((o: { away?: boolean }) => o.away));
    // Everything B sent the visitor until now is in; drop it, so what follows is new.
    await v.settle();
    while (v.queued('status').length > 0) await v.next('status');
    ada.send({ t: 'status', away: false });
    const back = await v.next('status');
    expect(back).toMatchObject({ online: true, operators: [{ name: 'Ada' }] });
    await Promise.all([v.close(), ada.close(), bob.close()]);
  });
});
