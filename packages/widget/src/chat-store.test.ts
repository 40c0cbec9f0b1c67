import { describe, expect, it } from 'vitest';
import { type ChatState, HISTORY_LIMIT, initialChat, reduce } from './chat-store.js';
import { relayMsg, welcome } from './test-peer.js';

const frame = (s: ChatState, f: object, replay = false) =>
  reduce(s, { type: 'frame', frame: f as never, replay });

describe('reduce', () => {
  it('marks a visitor message sending, then sent with its seq on ack', () => {
    let s = reduce(initialChat(), { type: 'send', id: 'a', text: 'hi', at: 1 });
    expect(s.messages[0]).toMatchObject({ id: 'a', seq: 0, status: 'sending' });
    s = frame(s, { t: 'ack', id: 'a', seq: 4 });
    expect(s.messages[0]).toMatchObject({ id: 'a', seq: 4, status: 'sent' });
  });

  it('shows a replayed message once (by id)', () => {
    let s = reduce(initialChat(), { type: 'send', id: 'a', text: 'hi', at: 1 });
    s = frame(s, relayMsg(1, 'hi', 'visitor', 'a'));
    s = frame(s, relayMsg(2, 'hello'));
    s = frame(s, relayMsg(2, 'hello'));
    expect(s.messages.map((m) => m.text)).toEqual(['hi', 'hello']);
  });

  it('counts unread only for live operator messages while closed', () => {
    let s = frame(initialChat(), relayMsg(1, 'old'), true);
    s = frame(s, relayMsg(2, 'new'));
    s = frame(s, relayMsg(3, 'mine', 'visitor'));
    expect(s.unread).toBe(1);
    s = reduce(s, { type: 'open' });
    expect(s.unread).toBe(0);
    s = frame(s, relayMsg(4, 'seen'));
    expect(s.unread).toBe(0);
  });

  it('clears the typing indicator when the operator message arrives', () => {
    let s = frame(initialChat(), { t: 'typing', on: true, name: 'Ada' });
    expect(s.typing).toBe('Ada');
    s = frame(s, relayMsg(1, 'done'));
    expect(s.typing).toBeNull();
  });

  it('F3: adds a notice when a new session replaces a lost one, never passing it off as the old chat', () => {
    let s = frame(initialChat(), welcome());
    s = frame(s, relayMsg(1, 'before'));
    s = frame(s, welcome({ resumed: false }));
    expect(s.messages.at(-1)).toMatchObject({ from: 'system', text: 'lost' });
    s = frame(s, welcome({ resumed: true }));
    expect(s.messages.filter((m) => m.from === 'system')).toHaveLength(1);
  });

  it('F3: shows the messages of a new session after a lost one, though their seqs repeat', () => {
    let s = frame(initialChat(), welcome());
    s = frame(s, relayMsg(1, 'old', 'operator', 'old-1'));
    s = frame(s, welcome({ resumed: false }));
    s = frame(s, relayMsg(1, 'new', 'operator', 'new-1'));
    expect(s.messages.map((m) => m.text)).toEqual(['old', 'lost', 'new']);
  });

  it('marks unsent messages failed when the chat ends, and on a refusal with their id', () => {
    let s = reduce(initialChat(), { type: 'send', id: 'a', text: '1', at: 1 });
    s = reduce(s, { type: 'send', id: 'b', text: '2', at: 2 });
    s = frame(s, { t: 'error', code: 'rate_limited', message: 'slow', id: 'a' });
    expect(s.messages[0]?.status).toBe('failed');
    expect(s.error).toBe('rate_limited');
    s = frame(s, { t: 'ended', reason: 'operator' });
    expect(s.messages[1]?.status).toBe('failed');
    expect(s.ended).toBe('operator');
  });

  it('B24: keeps at most HISTORY_LIMIT messages and marks the rest truncated', () => {
    let s = initialChat();
    for (let i = 1; i <= HISTORY_LIMIT + 5; i++) s = frame(s, relayMsg(i, `m${i}`), true);
    expect(s.messages).toHaveLength(HISTORY_LIMIT);
    expect(s.messages[0]?.text).toBe('m6');
    expect(s.truncated).toBe(true);
  });

  it('tracks the offline message until queued, and a refusal lets the visitor retry', () => {
    let s = reduce(initialChat(), { type: 'offline', id: 'o1' });
    s = frame(s, { t: 'queued', id: 'other' });
    expect(s.offline).toBe('o1');
    s = frame(s, { t: 'error', code: 'no_recipients', message: 'x', id: 'o1' });
    expect(s.offline).toBeNull();
    s = reduce(s, { type: 'offline', id: 'o2' });
    s = frame(s, { t: 'queued', id: 'o2' });
    expect(s.offline).toBe('sent');
  });

  it('takes online state, operators and the agent from status frames', () => {
    const s = frame(initialChat(), {
      t: 'status',
      online: true,
      operators: [{ name: 'Ada' }, { name: 'Lin' }],
      agent: { name: 'Lin' },
    });
    expect(s).toMatchObject({ online: true, operators: ['Ada', 'Lin'], agent: 'Lin' });
  });
});
