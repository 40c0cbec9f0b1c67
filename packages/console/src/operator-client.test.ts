import type { RelayToOperator } from '@conduit-chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleError } from './errors.js';
import {
  type ClientEndReason,
  type ClientState,
  createOperatorClient,
  type OperatorClient,
} from './operator-client.js';
import { readyFrame, startTestRelay, type TestRelay, visitor } from './test-ws-server.js';

describe('operator-client', () => {
  let relay: TestRelay;
  let client: OperatorClient | undefined;
  let frames: RelayToOperator[];
  let states: string[];

  beforeEach(async () => {
    relay = await startTestRelay();
    frames = [];
    states = [];
  });
  afterEach(async () => {
    client?.close();
    client = undefined;
    await relay.close();
  });

  const make = (key = 'k-123', over: { url?: string; limits?: object } = {}) => {
    client = createOperatorClient({
      url: over.url ?? relay.url(),
      key,
      onFrame: (f) => frames.push(f),
      onState: (s: ClientState, r?: ClientEndReason) => states.push(r ? `${s}:${r}` : s),
      limits: { reconnectBaseMs: 5, reconnectMaxMs: 20, ...over.limits },
      random: () => 0.5,
    });
    client.connect();
    return client;
  };

  const signIn = async (visitors = [visitor({ state: 'chatting', lastSeq: 0 })]) => {
    const conn = await relay.connection();
    expect(await conn.next()).toEqual({ t: 'auth', v: 1, key: 'k-123' });
    conn.send(readyFrame(visitors));
    await vi.waitFor(() => expect(client?.state).toBe('ready'));
    return conn;
  };

  const msg = (seq: number, text = `m${seq}`): RelayToOperator => ({
    t: 'msg',
    session: 's1',
    seq,
    id: `v${seq}`,
    from: 'visitor',
    text,
    at: 1_000_000 + seq,
  });

  it('authenticates with the key in the first frame and reports ready', async () => {
    make();
    const conn = await signIn();
    expect(conn.site).toBe('acme');
    expect(states).toEqual(['connecting', 'authenticating', 'ready']);
    expect(frames[0]?.t).toBe('ready');
  });

  it('ends with auth_failed and does not retry when the relay refuses the key', async () => {
    make('wrong');
    const conn = await relay.connection();
    await conn.next();
    conn.send({ t: 'error', code: 'auth_failed', message: 'Operator key is not valid.' });
    conn.close(4001);
    await vi.waitFor(() => expect(client?.state).toBe('closed'));
    expect(states.at(-1)).toBe('closed:auth_failed');
    expect(relay.count()).toBe(1);
  });

  it('ends with unreachable when the first connection fails', async () => {
    const url = relay.url();
    await relay.close();
    make('k-123', { url });
    await vi.waitFor(() => expect(client?.state).toBe('closed'));
    expect(states.at(-1)).toBe('closed:unreachable');
    relay = await startTestRelay();
  });

  it('F4: reconnects after a drop and syncs the missed messages with no duplicates', async () => {
    make();
    const first = await signIn();
    first.send(msg(1));
    first.send(msg(2));
    await vi.waitFor(() => expect(client?.lastSeq('s1')).toBe(2));
    first.kill();
    await vi.waitFor(() => expect(client?.state).toBe('reconnecting'));

    const second = await relay.connection();
    expect((await second.next()).t).toBe('auth');
    second.send(readyFrame([visitor({ state: 'chatting', lastSeq: 5 })]));
    expect(await second.next()).toEqual({ t: 'sync', session: 's1', lastSeq: 2 });
    for (const n of [3, 4, 5]) second.send(msg(n));
    await vi.waitFor(() => expect(client?.lastSeq('s1')).toBe(5));

    const seqs = frames.flatMap((f) => (f.t === 'msg' ? [f.seq] : []));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(states).toEqual(['connecting', 'authenticating', 'ready', 'reconnecting', 'ready']);
  });

  it('F14: syncs a visitor listed after ready (another relay node) once per lastSeq', async () => {
    make();
    const conn = await signIn([]);
    conn.send({ t: 'visitor', visitor: visitor({ state: 'chatting', lastSeq: 3 }) });
    expect(await conn.next()).toEqual({ t: 'sync', session: 's1', lastSeq: 0 });
    // The same lastSeq again (a page change) asks nothing more; a later one asks from what arrived.
    conn.send({ t: 'visitor', visitor: visitor({ state: 'chatting', lastSeq: 3 }) });
    for (const n of [1, 2, 3]) conn.send(msg(n));
    await vi.waitFor(() => expect(client?.lastSeq('s1')).toBe(3));
    conn.send({ t: 'visitor', visitor: visitor({ state: 'chatting', lastSeq: 5 }) });
    expect(await conn.next()).toEqual({ t: 'sync', session: 's1', lastSeq: 3 });
  });

  it('F1: resends an unacked message with the same id after a reconnect', async () => {
    make();
    const first = await signIn();
    const sent = client!.sendMessage('s1', '  Hello there  ');
    expect(sent.text).toBe('Hello there');
    expect(await first.next()).toEqual({
      t: 'msg',
      session: 's1',
      id: sent.id,
      text: 'Hello there',
    });
    first.kill();
    await vi.waitFor(() => expect(client?.state).toBe('reconnecting'));
    // Typed while the link is down: queued, sent after the first one.
    const later = client!.sendMessage('s1', 'Still there?');

    const second = await relay.connection();
    await second.next();
    second.send(readyFrame([visitor({ state: 'chatting', lastSeq: 0 })]));
    expect(await second.next()).toEqual({
      t: 'msg',
      session: 's1',
      id: sent.id,
      text: 'Hello there',
    });
    expect(await second.next()).toMatchObject({ t: 'msg', id: later.id, text: 'Still there?' });
    second.send({ t: 'ack', session: 's1', id: sent.id, seq: 1 });
    second.send({ t: 'ack', session: 's1', id: later.id, seq: 2 });
    await vi.waitFor(() => expect(client?.outboxSize()).toBe(0));
  });

  it('drops a message from the outbox when the relay refuses it', async () => {
    make();
    const conn = await signIn();
    const sent = client!.sendMessage('s1', 'Hi');
    await conn.next();
    conn.send({ t: 'error', code: 'session_ended', message: 'ended', session: 's1', id: sent.id });
    await vi.waitFor(() => expect(frames.at(-1)?.t).toBe('error'));
    expect(client?.outboxSize()).toBe(0);
  });

  it('12.2: pauses on a rate-limited message, resends it after the hint, then one per ack, in order', async () => {
    make();
    const conn = await signIn();
    const a = client!.sendMessage('s1', 'a');
    const b = client!.sendMessage('s1', 'b');
    expect(await conn.next()).toMatchObject({ id: a.id });
    expect(await conn.next()).toMatchObject({ id: b.id });
    conn.send({
      t: 'error',
      code: 'rate_limited',
      message: 'x',
      session: 's1',
      id: a.id,
      retryMs: 10,
    });
    conn.send({
      t: 'error',
      code: 'rate_limited',
      message: 'x',
      session: 's1',
      id: b.id,
      retryMs: 10,
    });
    expect(await conn.next()).toMatchObject({ id: a.id });
    // Written while paced: waits its turn.
    const c = client!.sendMessage('s1', 'c');
    conn.send({ t: 'ack', session: 's1', id: a.id, seq: 1 });
    expect(await conn.next()).toMatchObject({ id: b.id });
    conn.send({ t: 'ack', session: 's1', id: b.id, seq: 2 });
    expect(await conn.next()).toMatchObject({ id: c.id });
    conn.send({ t: 'ack', session: 's1', id: c.id, seq: 3 });
    await vi.waitFor(() => expect(client?.outboxSize()).toBe(0));
    // Not an error the operator is shown: the messages were only delayed.
    expect(frames.some((f) => f.t === 'error')).toBe(false);
  });

  it('forgets sequence numbers and queued messages of a session that is gone', async () => {
    make();
    const conn = await signIn();
    conn.send(msg(1));
    await vi.waitFor(() => expect(client?.lastSeq('s1')).toBe(1));
    client!.sendMessage('s1', 'Hi');
    conn.send({ t: 'gone', session: 's1', reason: 'visitor' });
    await vi.waitFor(() => expect(frames.at(-1)?.t).toBe('gone'));
    expect(client?.lastSeq('s1')).toBe(0);
    expect(client?.outboxSize()).toBe(0);
  });

  it('keeps retrying when the WebSocket constructor throws during a reconnect', async () => {
    let refuse = false;
    let refused = 0;
    const Native = globalThis.WebSocket;
    class Flaky extends Native {
      constructor(url: string | URL) {
        if (refuse && ++refused) throw new DOMException('Refused to connect', 'SecurityError');
        super(url);
      }
    }
    client = createOperatorClient({
      url: relay.url(),
      key: 'k-123',
      onFrame: (f) => frames.push(f),
      onState: (s) => states.push(s),
      WebSocket: Flaky,
      limits: { reconnectBaseMs: 5, reconnectMaxMs: 20 },
    });
    client.connect();
    const first = await signIn([]);
    refuse = true;
    first.kill();
    await vi.waitFor(() => expect(refused).toBeGreaterThanOrEqual(2));
    expect(client?.state).toBe('reconnecting');
    refuse = false;
    const second = await relay.connection();
    expect((await second.next()).t).toBe('auth');
  });

  it('pings, and reconnects when the relay stops answering', async () => {
    make('k-123', { limits: { pingEveryMs: 15 } });
    const first = await relay.connection();
    await first.next();
    first.send(readyFrame([]));
    expect(await first.next()).toEqual({ t: 'ping' });
    // No pong: the next beat finds the link silent and drops it.
    const second = await relay.connection();
    expect((await second.next()).t).toBe('auth');
    expect(states).toContain('reconnecting');
  });

  it('gives up on a socket that never says ready', async () => {
    make('k-123', { limits: { authTimeoutMs: 20 } });
    const conn = await relay.connection();
    await conn.next();
    await vi.waitFor(() => expect(client?.state).toBe('closed'));
    expect(states.at(-1)).toBe('closed:unreachable');
  });

  it('closes with 1000 on logout and forgets the outbox', async () => {
    make();
    const conn = await signIn();
    client!.sendMessage('s1', 'Hi');
    client!.close();
    expect(await conn.closed).toBe(1000);
    expect(states.at(-1)).toBe('closed:logout');
    expect(client?.outboxSize()).toBe(0);
    expect(() => client?.sendMessage('s1', 'x')).toThrow(ConsoleError);
  });

  it('refuses empty, too long and too many messages with their codes', async () => {
    make('k-123', { limits: { outboxMessages: 1 } });
    await signIn();
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as ConsoleError).code;
      }
      return 'none';
    };
    expect(code(() => client!.sendMessage('s1', ' \n\t '))).toBe('empty_text');
    expect(code(() => client!.sendMessage('s1', 'x'.repeat(4001)))).toBe('text_too_long');
    expect(code(() => client!.sendMessage('s1', 'one'))).toBe('none');
    expect(code(() => client!.sendMessage('s1', 'two'))).toBe('outbox_full');
  });

  it('sends control frames only when ready', async () => {
    make();
    expect(client!.send({ t: 'accept', session: 's1' })).toBe(false);
    const conn = await signIn();
    expect(client!.send({ t: 'accept', session: 's1', takeover: true })).toBe(true);
    expect(await conn.next()).toEqual({ t: 'accept', session: 's1', takeover: true });
  });

  it('ignores frames that are not JSON objects with a type', async () => {
    make();
    const conn = await signIn([]);
    conn.send('not an object' as never);
    conn.send({ t: 'operators', operators: [] });
    await vi.waitFor(() => expect(frames.at(-1)?.t).toBe('operators'));
    expect(frames.map((f) => f.t)).toEqual(['ready', 'operators']);
  });
});
