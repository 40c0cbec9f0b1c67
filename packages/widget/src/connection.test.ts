import type { RelayToVisitor } from '@conduit-chat/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import {
  type Connection,
  type ConnectionOptions,
  type ConnectionState,
  createConnection,
  type IdleReason,
} from './connection.js';
import { nodeSocket, relayMsg, type ScriptedPeer, startPeer, welcome } from './test-peer.js';
import { type TokenStore, tokenStore } from './token-store.js';

const hello = () => ({
  page: { url: 'https://shop.example/cart', title: 'Cart' },
  client: { lang: 'en', tz: 'UTC', screen: { w: 1280, h: 800 } },
});

interface Harness {
  client: Connection;
  tokens: TokenStore;
  frames: { frame: RelayToVisitor; replay: boolean }[];
  states: { state: ConnectionState; reason?: IdleReason | undefined }[];
  /** Resolves once `check()` holds (re-checked after every frame and state change). */
  when(check: () => boolean): Promise<void>;
  until(state: ConnectionState): Promise<void>;
  texts(): string[];
}

let peer: ScriptedPeer;
let harnesses: Harness[] = [];

function harness(over: Partial<ConnectionOptions> = {}): Harness {
  let waiters: { check: () => boolean; resolve: () => void }[] = [];
  const poke = () => {
    const done = waiters.filter((w) => w.check());
    waiters = waiters.filter((w) => !done.includes(w));
    for (const w of done) w.resolve();
  };
  const h: Harness = {
    tokens: tokenStore('test', false),
    frames: [],
    states: [],
    client: undefined as unknown as Connection,
    when: (check) =>
      check() ? Promise.resolve() : new Promise((resolve) => waiters.push({ check, resolve })),
    until: (state) => h.when(() => h.client.state === state),
    texts: () => h.frames.flatMap(({ frame }) => (frame.t === 'msg' ? [frame.text] : [])),
  };
  h.client = createConnection({
    url: peer.url,
    hello,
    tokens: h.tokens,
    socket: nodeSocket,
    backoff: { baseMs: 2, maxMs: 10 },
    onFrame: (frame, replay) => {
      h.frames.push({ frame, replay });
      poke();
    },
    onState: (state, reason) => {
      h.states.push({ state, reason });
      poke();
    },
    ...over,
  });
  harnesses.push(h);
  return h;
}

/** Connects, answers hello with welcome, and swallows the end-of-replay ping. */
async function opened(h: Harness, over: Record<string, unknown> = {}) {
  if (h.client.state === 'idle') h.client.connect();
  const s = await peer.accept();
  const first = await s.next();
  s.send(welcome(over));
  await h.until('open');
  await s.nextOf('ping');
  return { s, hello: first };
}

beforeEach(async () => {
  peer = await startPeer();
});

afterEach(async () => {
  for (const h of harnesses) h.client.destroy();
  harnesses = [];
  await peer.stop();
});

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, with half of each delay random', () => {
    const o = { baseMs: 500, maxMs: 30_000 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, o, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, o, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, o, () => 1)).toBe(30_000);
    expect(backoffDelay(1000, o, () => 0)).toBe(15_000);
  });
});

describe('createConnection', () => {
  it('opens no socket until connect() is called, then sends hello first', async () => {
    const h = harness();
    expect(h.client.state).toBe('idle');
    expect(peer.count).toBe(0);
    h.client.connect();
    expect(h.client.state).toBe('connecting');
    const s = await peer.accept();
    expect(s.url).toBe('/v1/visitor?site=acme');
    expect(await s.next()).toEqual({ t: 'hello', v: 1, ...hello() });
  });

  it('goes open on welcome, stores the token, and flags history before the pong as replay', async () => {
    const h = harness();
    const { s } = await opened(h, { token: 'T-123' });
    expect(h.tokens.get()).toBe('T-123');
    s.send(relayMsg(1, 'old'));
    s.send({ t: 'pong' });
    s.send(relayMsg(2, 'new'));
    await h.when(() => h.texts().length === 2);
    const msgs = h.frames.filter(({ frame }) => frame.t === 'msg');
    expect(msgs.map((m) => m.replay)).toEqual([true, false]);
    expect(h.client.lastSeq).toBe(2);
  });

  it('keeps a message in the outbox until acked and resends it with the same id after a drop', async () => {
    const h = harness();
    const { s } = await opened(h);
    h.client.send({ t: 'msg', id: 'abc', text: 'hello?' });
    expect(await s.nextOf('msg')).toEqual({ t: 'msg', id: 'abc', text: 'hello?' });
    s.close(1012);
    await h.until('reconnecting');
    const again = await opened(h, { resumed: true });
    expect(again.hello).toMatchObject({ t: 'hello', resume: 'tok1', lastSeq: 0 });
    expect(await again.s.nextOf('msg')).toEqual({ t: 'msg', id: 'abc', text: 'hello?' });
    again.s.send({ t: 'ack', id: 'abc', seq: 1 });
    await h.when(() => h.client.pending().length === 0);
    expect(h.client.lastSeq).toBe(1);
  });

  it('sends messages written before the connection opened once welcome arrives, in order', async () => {
    const h = harness();
    h.client.send({ t: 'msg', id: 'a1', text: 'one' });
    h.client.send({ t: 'msg', id: 'a2', text: 'two' });
    expect(h.client.state).toBe('connecting');
    const { s } = await opened(h);
    expect(await s.nextOf('msg')).toMatchObject({ id: 'a1' });
    expect(await s.nextOf('msg')).toMatchObject({ id: 'a2' });
  });

  it('F1: resumes with lastSeq and shows replayed messages once, without duplicates', async () => {
    const h = harness();
    const first = await opened(h);
    first.s.send(relayMsg(1, 'one'));
    first.s.send(relayMsg(2, 'two'));
    await h.when(() => h.client.lastSeq === 2);
    first.s.close(1011);
    await h.until('reconnecting');
    const second = await opened(h, { resumed: true });
    expect(second.hello).toMatchObject({ resume: 'tok1', lastSeq: 2 });
    // A relay may overlap the replay with what the client had: it is dropped by seq.
    second.s.send(relayMsg(2, 'two'));
    second.s.send(relayMsg(3, 'three'));
    await h.when(() => h.texts().includes('three'));
    expect(h.texts()).toEqual(['one', 'two', 'three']);
  });

  it('drops a message from the outbox when the replay shows the relay already has it', async () => {
    const h = harness();
    const first = await opened(h);
    h.client.send({ t: 'msg', id: 'lost-ack', text: 'hi' });
    await first.s.nextOf('msg');
    first.s.close(1012);
    await h.until('reconnecting');
    const second = await peer.accept();
    await second.next();
    second.send(welcome({ resumed: true }));
    second.send(relayMsg(1, 'hi', 'visitor', 'lost-ack'));
    await h.when(() => h.client.lastSeq === 1);
    expect(h.client.pending()).toEqual([]);
  });

  it('keeps reconnecting (backoff) while the relay refuses, then resumes', async () => {
    const seen: number[] = [];
    const h = harness({
      backoff: { baseMs: 4, maxMs: 16 },
      random: () => 1,
      onState: (state) => {
        if (state === 'reconnecting') seen.push(peer.count);
      },
    });
    const { s } = await opened(h);
    // Every new socket is refused at once, three times.
    let refused = 0;
    const refuse = async () => {
      while (refused < 3) {
        const next = await peer.accept();
        refused++;
        next.close(1013);
      }
    };
    const refusing = refuse();
    s.close(1012);
    await refusing;
    const back = await peer.accept();
    expect((await back.next()).resume).toBe('tok1');
    expect(refused).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('pings on the heartbeat interval and reconnects when the relay goes silent', async () => {
    const h = harness({ heartbeatMs: 5, timeoutMs: 60 });
    const { s } = await opened(h);
    await s.nextOf('ping');
    await s.nextOf('ping');
    // The peer never answers: the watchdog declares the socket dead and opens a new one.
    await h.until('reconnecting');
    const again = await peer.accept();
    expect((await again.next()).t).toBe('hello');
  });

  it('ends on an ended frame: token cleared, outbox emptied, no reconnect', async () => {
    const h = harness();
    const { s } = await opened(h);
    h.client.send({ t: 'msg', id: 'x', text: 'bye' });
    s.send({ t: 'ended', reason: 'operator' });
    await h.until('ended');
    expect(h.tokens.get()).toBeNull();
    expect(h.client.pending()).toEqual([]);
    expect(h.frames.at(-1)?.frame).toEqual({ t: 'ended', reason: 'operator' });
  });

  it('ends when the relay closes with 4002 (session ended)', async () => {
    const h = harness();
    const { s } = await opened(h);
    s.close(4002);
    await h.until('ended');
    expect(h.tokens.get()).toBeNull();
    expect(h.frames.at(-1)?.frame).toEqual({ t: 'ended', reason: 'unknown' });
  });

  it('F3: treats a resume refused with session_ended as the end of the old chat', async () => {
    const h = harness();
    h.tokens.set('stale');
    h.client.connect();
    const s = await peer.accept();
    expect(await s.next()).toMatchObject({ resume: 'stale' });
    s.send({ t: 'error', code: 'session_ended', message: 'The session has ended.' });
    await h.until('ended');
    expect(h.tokens.get()).toBeNull();
  });

  it('sends end and starts a new chat without the old token after connect()', async () => {
    const h = harness();
    const { s } = await opened(h);
    h.client.end();
    expect(await s.nextOf('end')).toEqual({ t: 'end' });
    s.send({ t: 'ended', reason: 'visitor' });
    await h.until('ended');
    h.client.connect();
    const fresh = await peer.accept();
    expect(await fresh.next()).not.toHaveProperty('resume');
  });

  it('goes idle without reconnecting when replaced (4003) or refused (1008)', async () => {
    const h = harness();
    const { s } = await opened(h);
    s.close(4003);
    await h.until('idle');
    expect(h.states.at(-1)).toEqual({ state: 'idle', reason: 'replaced' });
    const again = await opened(h);
    again.s.close(1008);
    await h.when(() => h.states.length > 0 && h.states.at(-1)?.reason === 'closed');
    expect(h.client.state).toBe('idle');
    expect(peer.count).toBe(2);
  });

  it('12.2: pauses on a refused message, resends it after the hint, then one per ack, in order', async () => {
    const h = harness();
    const { s } = await opened(h);
    for (const id of ['a', 'b', 'c']) h.client.send({ t: 'msg', id, text: id });
    for (const id of ['a', 'b', 'c']) expect(await s.nextOf('msg')).toMatchObject({ id });
    s.send({ t: 'ack', id: 'a', seq: 1 });
    s.send({ t: 'error', code: 'rate_limited', message: 'x', id: 'b', retryMs: 20 });
    s.send({ t: 'error', code: 'rate_limited', message: 'x', id: 'c', retryMs: 20 });
    expect(await s.nextOf('msg')).toMatchObject({ id: 'b' });
    // Typed while paced: waits its turn.
    h.client.send({ t: 'msg', id: 'd', text: 'd' });
    s.send({ t: 'ack', id: 'b', seq: 2 });
    expect(await s.nextOf('msg')).toMatchObject({ id: 'c' });
    s.send({ t: 'ack', id: 'c', seq: 3 });
    expect(await s.nextOf('msg')).toMatchObject({ id: 'd' });
    s.send({ t: 'ack', id: 'd', seq: 4 });
    await h.when(() => h.client.pending().length === 0);
    // The refusal is no failure: nothing reached the chat as an error.
    expect(h.frames.some(({ frame }) => frame.t === 'error')).toBe(false);
    // Unpaced again: the next message goes at once.
    h.client.send({ t: 'msg', id: 'e', text: 'e' });
    expect(await s.nextOf('msg')).toMatchObject({ id: 'e' });
  });

  it('12.7: stops retrying (idle, unavailable) when a socket that never opened meets a refused origin', async () => {
    let asked = 0;
    const h = harness({
      socket: () => nodeSocket('ws://127.0.0.1:9/'),
      refused: async () => {
        asked++;
        return true;
      },
    });
    h.client.connect();
    await h.until('idle');
    expect(h.states.at(-1)).toEqual({ state: 'idle', reason: 'unavailable' });
    expect(asked).toBe(1);
  });

  it('12.7: asks no more after a check that got no answer (relay down, CSP), until connect()', async () => {
    let asked = 0;
    const h = harness({
      socket: () => nodeSocket('ws://127.0.0.1:9/'),
      refused: async () => {
        asked++;
        throw new TypeError('Failed to fetch');
      },
    });
    h.client.connect();
    await h.when(() => h.states.filter((s) => s.state === 'reconnecting').length >= 3);
    expect(asked).toBe(1);
    h.client.destroy();
    h.client.connect();
    await h.when(() => asked === 2);
  });

  it('12.7: keeps reconnecting when the origin is allowed, and asks no more after that', async () => {
    let asked = 0;
    let sockets = 0;
    const h = harness({
      socket: (url) => (++sockets < 3 ? nodeSocket('ws://127.0.0.1:9/') : nodeSocket(url)),
      refused: async () => {
        asked++;
        return false;
      },
    });
    await opened(h);
    expect(asked).toBe(1);
    expect(sockets).toBe(3);
  });

  it('refuses more messages than the outbox limit', () => {
    const h = harness({ outboxLimit: 2, socket: () => nodeSocket('ws://127.0.0.1:9/') });
    expect(h.client.send({ t: 'msg', id: 'a', text: '1' })).toBe(true);
    expect(h.client.send({ t: 'msg', id: 'b', text: '2' })).toBe(true);
    expect(h.client.send({ t: 'msg', id: 'c', text: '3' })).toBe(false);
    expect(h.client.pending().map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('closes the socket and stops its timers on destroy()', async () => {
    const h = harness({ heartbeatMs: 5 });
    const { s } = await opened(h);
    h.client.destroy();
    expect(await s.closed).toBe(1000);
    expect(h.client.state).toBe('idle');
  });
});
