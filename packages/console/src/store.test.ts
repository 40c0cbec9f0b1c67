import type { RelayToOperator } from '@conduit-chat/protocol';
import { describe, expect, it } from 'vitest';
import { noticesFor, titleCount, titleText } from './notices.js';
import { type ConsoleAction, type ConsoleState, initialState, reduce } from './store.js';
import { readyFrame, visitor } from './test-ws-server.js';

const run = (actions: ConsoleAction[], from = initialState()) =>
  actions.reduce<ConsoleState>(
    (s, a) => reduce(s, a, { messagesPerChat: 5, endedChatsKept: 2 }),
    from,
  );
const f = (frame: RelayToOperator): ConsoleAction => ({ type: 'frame', frame });
const vmsg = (seq: number, session = 's1'): RelayToOperator => ({
  t: 'msg',
  session,
  seq,
  id: `v${seq}`,
  from: 'visitor',
  text: `hello ${seq}`,
  at: 1_000 + seq,
});

describe('store', () => {
  it('takes visitors, operator, site and canned responses from ready', () => {
    const s = run([f(readyFrame([visitor(), visitor({ session: 's2', state: 'waiting' })]))]);
    expect(s.me).toEqual({ id: 'ada', name: 'Ada' });
    expect(s.site?.name).toBe('Acme');
    expect([...s.visitors.keys()]).toEqual(['s1', 's2']);
    expect(s.chats.has('s2')).toBe(true);
    expect(s.canned).toHaveLength(2);
  });

  it('upserts visitors and removes them on gone', () => {
    const s = run([
      f(readyFrame([visitor()])),
      f({
        t: 'visitor',
        visitor: visitor({ page: { url: 'https://shop.example/cart', title: 'Cart' } }),
      }),
    ]);
    expect(s.visitors.get('s1')?.page.title).toBe('Cart');
    const after = reduce(s, {
      type: 'frame',
      frame: { t: 'gone', session: 's1', reason: 'expired' },
    });
    expect(after.visitors.size).toBe(0);
  });

  it('stores messages once, in seq order, whatever the arrival order', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      f(vmsg(2)),
      f(vmsg(1)),
      f(vmsg(2)),
      f(vmsg(1)),
    ]);
    expect(s.chats.get('s1')?.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('shows an own message as sending, then delivered on ack, once when echoed', () => {
    let s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      { type: 'sending', session: 's1', id: 'o1', text: 'Hi', at: 5 },
    ]);
    expect(s.chats.get('s1')?.messages[0]).toMatchObject({
      status: 'sending',
      mine: true,
      name: 'Ada',
    });
    s = run([f({ t: 'ack', session: 's1', id: 'o1', seq: 3 })], s);
    expect(s.chats.get('s1')?.messages[0]).toMatchObject({ status: 'delivered', seq: 3 });
    s = run(
      [
        f({
          t: 'msg',
          session: 's1',
          seq: 3,
          id: 'o1',
          from: 'operator',
          name: 'Ada',
          text: 'Hi',
          at: 6,
        }),
      ],
      s,
    );
    expect(s.chats.get('s1')?.messages).toHaveLength(1);
  });

  it('knows its own messages in history replayed after a reload, by operator id, not by name', () => {
    const op = (seq: number, operator: string, name: string): RelayToOperator => ({
      t: 'msg',
      session: 's1',
      seq,
      id: `o${seq}`,
      from: 'operator',
      name,
      operator,
      text: `reply ${seq}`,
      at: 1_000 + seq,
    });
    // A fresh console (the page reloaded): nothing of its own in memory, the relay replays.
    const s = run([
      f(readyFrame([visitor({ state: 'chatting', lastSeq: 3 })])),
      f(vmsg(1)),
      f(op(2, 'ada', 'Ada')),
      f(op(3, 'ada2', 'Ada')),
    ]);
    const shown = s.chats.get('s1')?.messages.map((m) => [m.seq, m.mine, m.status]);
    expect(shown).toEqual([
      [1, false, 'delivered'],
      [2, true, 'delivered'],
      [3, false, 'delivered'],
    ]);
  });

  it('marks a refused message failed and shows the error', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      { type: 'sending', session: 's1', id: 'o1', text: 'Hi', at: 5 },
      f({
        t: 'error',
        code: 'session_ended',
        message: 'The session has ended.',
        session: 's1',
        id: 'o1',
      }),
    ]);
    expect(s.chats.get('s1')?.messages[0]?.status).toBe('failed');
    expect(s.error?.code).toBe('session_ended');
  });

  it('counts unread visitor messages only for chats not on screen', () => {
    let s = run([
      f(
        readyFrame([visitor({ state: 'chatting' }), visitor({ session: 's2', state: 'chatting' })]),
      ),
      { type: 'open', session: 's1' },
      f(vmsg(1)),
      f(vmsg(1, 's2')),
      f(vmsg(2, 's2')),
    ]);
    expect(s.chats.get('s1')?.unread).toBe(0);
    expect(s.chats.get('s2')?.unread).toBe(2);
    s = run([{ type: 'visible', visible: false }, f(vmsg(2))], s);
    expect(s.chats.get('s1')?.unread).toBe(1);
    s = run([{ type: 'visible', visible: true }], s);
    expect(s.chats.get('s1')?.unread).toBe(0);
    s = run([{ type: 'open', session: 's2' }], s);
    expect(s.chats.get('s2')?.unread).toBe(0);
  });

  it('does not count history replayed at sign-in as unread', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting', lastSeq: 2 })])),
      f(vmsg(1)),
      f(vmsg(2)),
      f(vmsg(3)),
    ]);
    expect(s.chats.get('s1')?.unread).toBe(1);
  });

  it('keeps an ended chat readable in its tab and drops it when the tab closes', () => {
    let s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      { type: 'open', session: 's1' },
      f(vmsg(1)),
      f({ t: 'gone', session: 's1', reason: 'visitor' }),
    ]);
    expect(s.chats.get('s1')?.ended).toBe('visitor');
    expect(s.chats.get('s1')?.messages).toHaveLength(1);
    s = run([{ type: 'closeTab', session: 's1' }], s);
    expect(s.chats.has('s1')).toBe(false);
    expect(s.active).toBeNull();
  });

  it('keeps at most endedChatsKept ended chats', () => {
    const sessions = ['a', 'b', 'c'];
    const s = run([
      f(readyFrame(sessions.map((session) => visitor({ session, state: 'chatting' })))),
      ...sessions.map((session): ConsoleAction => ({ type: 'open', session })),
      ...sessions.map((session) => f({ t: 'gone', session, reason: 'visitor' })),
    ]);
    expect(s.tabs).toEqual(['b', 'c']);
  });

  it('keeps at most messagesPerChat messages and marks the chat truncated', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => f(vmsg(n))),
    ]);
    expect(s.chats.get('s1')?.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(s.chats.get('s1')?.truncated).toBe(true);
  });

  it('tracks typing of the visitor and of other operators, not of itself', () => {
    let s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      f({ t: 'typing', session: 's1', on: true, from: 'visitor' }),
      f({ t: 'typing', session: 's1', on: true, from: 'operator', name: 'Bob' }),
      f({ t: 'typing', session: 's1', on: true, from: 'operator', name: 'Ada' }),
    ]);
    expect(s.chats.get('s1')).toMatchObject({ visitorTyping: true, operatorsTyping: ['Bob'] });
    s = run(
      [f(vmsg(1)), f({ t: 'typing', session: 's1', on: false, from: 'operator', name: 'Bob' })],
      s,
    );
    expect(s.chats.get('s1')).toMatchObject({ visitorTyping: false, operatorsTyping: [] });
  });

  it('tracks typing of a browsing visitor (after an invitation)', () => {
    const s = run([
      f(readyFrame([visitor()])),
      f({ t: 'typing', session: 's1', on: true, from: 'visitor' }),
    ]);
    expect(s.chats.get('s1')?.visitorTyping).toBe(true);
    const none = run([
      f(readyFrame([])),
      f({ t: 'typing', session: 'zz', on: true, from: 'visitor' }),
    ]);
    expect(none.chats.size).toBe(0);
  });

  it('opens a tab for a chat the relay gives this operator', () => {
    const s = run([
      f(readyFrame([visitor()])),
      f({
        t: 'visitor',
        visitor: visitor({ state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
      }),
    ]);
    expect(s.tabs).toEqual(['s1']);
  });

  it('ends chats whose session vanished while the console was away', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      { type: 'open', session: 's1' },
      f(readyFrame([])),
    ]);
    expect(s.chats.get('s1')?.ended).toBe('unknown');
  });

  it('F14: brings back a chat missing from ready when another relay node lists its visitor', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'chatting' })])),
      { type: 'open', session: 's1' },
      f(readyFrame([])),
      f({ t: 'visitor', visitor: visitor({ state: 'chatting' }) }),
    ]);
    expect(s.chats.get('s1')?.ended).toBeNull();
    expect(s.tabs).toEqual(['s1']);
  });

  it('keys maps by session safely, even for a session named __proto__', () => {
    const s = run([f(readyFrame([visitor({ session: '__proto__' })]))]);
    expect(s.visitors.get('__proto__')?.session).toBe('__proto__');
    expect(({} as Record<string, unknown>).session).toBeUndefined();
  });
});

describe('notices', () => {
  it('announces a new waiting chat once and a new visitor message', () => {
    const a = run([f(readyFrame([visitor()]))]);
    const waiting: RelayToOperator = {
      t: 'visitor',
      visitor: visitor({ state: 'waiting', name: 'Eve' }),
    };
    const b = reduce(a, { type: 'frame', frame: waiting });
    expect(noticesFor(a, waiting, b)).toEqual([{ kind: 'chat', session: 's1', name: 'Eve' }]);
    const c = reduce(b, { type: 'frame', frame: waiting });
    expect(noticesFor(b, waiting, c)).toEqual([]);
    const m = vmsg(1);
    const d = reduce(c, { type: 'frame', frame: m });
    expect(noticesFor(c, m, d)).toEqual([{ kind: 'message', session: 's1', name: 'Eve' }]);
  });

  it('counts unread messages and waiting chats for the title', () => {
    const s = run([
      f(readyFrame([visitor({ state: 'waiting' }), visitor({ session: 's2', state: 'chatting' })])),
      f(vmsg(1, 's2')),
      f(vmsg(2, 's2')),
    ]);
    expect(titleCount(s)).toBe(3);
    expect(titleText(3, 'Acme')).toBe('(3) Acme · Conduit console');
    expect(titleText(0, null)).toBe('Conduit console');
  });
});
