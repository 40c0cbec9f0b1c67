import { afterEach, describe, expect, it } from 'vitest';
import { type Chat, type ChatMessage, emptyChat } from '../store.js';
import { byText, click, type Mounted, mount } from '../test-dom.js';
import { visitor } from '../test-ws-server.js';
import { ChatView } from './chat-view.js';

const ADA = { id: 'ada', name: 'Ada' };
const at = Date.UTC(2026, 10, 29, 15, 30);

const message = (over: Partial<ChatMessage>): ChatMessage => ({
  id: 'm1',
  seq: 1,
  from: 'visitor',
  text: 'Hello',
  at,
  status: 'delivered',
  mine: false,
  ...over,
});

describe('ChatView', () => {
  let m: Mounted | undefined;
  let calls: string[];
  afterEach(() => m?.unmount());

  const render = (chat: Chat) => {
    calls = [];
    m = mount(
      <ChatView
        chat={chat}
        me={ADA}
        canned={[]}
        now={at}
        draft=""
        onDraft={() => {}}
        onAccept={(t) => calls.push(t ? 'takeover' : 'accept')}
        onSend={() => true}
        onTyping={() => {}}
        onClose={() => calls.push('close')}
      />,
    );
    return m.root;
  };
  const chatWith = (
    over: Partial<Chat>,
    v = visitor({ name: 'Eve', state: 'chatting', owner: ADA }),
  ) => ({
    ...emptyChat('s1', v),
    ...over,
  });

  it("15: heads a verified visitor's chat with the badge and lists the user id, and nobody else's", () => {
    const verified = visitor({
      name: 'Vera',
      state: 'chatting',
      owner: ADA,
      verified: true,
      userId: 'u-42',
    });
    let root = render(chatWith({}, verified));
    expect(root.querySelector('#chat-title')?.textContent).toBe('Vera ✓ Verified user id u-42');
    expect(root.querySelector('.facts')?.textContent).toContain(
      'User idu-42 (verified by the site)',
    );
    m?.unmount();
    root = render(
      chatWith({}, visitor({ name: 'Una', state: 'chatting', owner: ADA, userId: 'u-43' })),
    );
    expect(root.querySelector('#chat-title')?.textContent).toBe('Una');
    expect(root.textContent).not.toContain('Verified');
    expect(root.textContent).not.toContain('u-43');
  });

  it('shows messages with names, times and the delivered state of own messages', () => {
    const root = render(
      chatWith({
        messages: [
          message({}),
          message({ id: 'o1', seq: 2, from: 'operator', name: 'Ada', text: 'Hi Eve', mine: true }),
          message({
            id: 'o2',
            seq: null,
            from: 'operator',
            name: 'Ada',
            text: 'One moment',
            mine: true,
            status: 'sending',
          }),
          message({
            id: 'o3',
            seq: null,
            from: 'operator',
            name: 'Ada',
            text: 'Lost',
            mine: true,
            status: 'failed',
          }),
        ],
      }),
    );
    const items = [...root.querySelectorAll('.msg')];
    expect(items.map((i) => i.querySelector('.name')?.textContent)).toEqual([
      'Eve',
      'Ada',
      'Ada',
      'Ada',
    ]);
    expect(items.map((i) => i.querySelector('.status')?.textContent ?? null)).toEqual([
      null,
      'Delivered',
      'Sending…',
      'Not delivered',
    ]);
    expect(items[0]?.querySelector('time')?.getAttribute('datetime')).toBe(
      new Date(at).toISOString(),
    );
    expect(root.querySelector('[role=log]')).not.toBeNull();
    expect(root.querySelector('#chat-title')?.textContent).toBe('Eve');
  });

  it('shows the typing indicators of the visitor and of other operators', () => {
    const root = render(chatWith({ visitorTyping: true, operatorsTyping: ['Bob'] }));
    expect(root.querySelector('.typing')?.textContent).toBe('Eve is typing… Bob is typing…');
  });

  it('B4: renders script-like message text inert', () => {
    const evil = [
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '</script><script>alert(1)</script>',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '[click](javascript:alert(1))',
    ].join('\n');
    const root = render(chatWith({ messages: [message({ text: evil })] }));
    const text = root.querySelector('.msg .text');
    expect(text?.textContent).toBe(evil);
    expect(text?.querySelector('*')).toBeNull();
  });

  it('B4: links only http(s) URLs, with noopener noreferrer', () => {
    const root = render(
      chatWith({
        messages: [
          message({
            text: 'See https://shop.example/tea?x=1. Or ftp://x.example or javascript:https://y',
          }),
        ],
      }),
    );
    const links = [...root.querySelectorAll('.msg a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://shop.example/tea?x=1',
      'https://y/',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
    }
    expect(root.querySelector('.msg .text')?.textContent).toBe(
      'See https://shop.example/tea?x=1. Or ftp://x.example or javascript:https://y',
    );
  });

  it('B19: isolates names in bdi so a right-to-left override cannot reorder the line', () => {
    const spoof = '\u202eEve\u202c Оperator';
    const root = render(
      chatWith(
        { messages: [message({})] },
        visitor({ name: spoof, state: 'chatting', owner: ADA }),
      ),
    );
    const name = root.querySelector('.msg .meta bdi');
    expect(name?.textContent).toBe(spoof);
    expect(root.querySelector('.msg')?.classList.contains('visitor')).toBe(true);
  });

  it('asks before closing the chat', () => {
    const root = render(chatWith({}));
    click(byText(root, 'button', 'Close chat'));
    expect(calls).toEqual([]);
    expect(root.textContent).toContain('Close this chat and send the transcript?');
    click(byText(root, 'button', 'Cancel'));
    expect(calls).toEqual([]);
    click(byText(root, 'button', 'Close chat'));
    click(byText(root, 'button', 'Yes, close chat'));
    expect(calls).toEqual(['close']);
  });

  it('offers accept for a waiting visitor and take over for a chat another operator holds', () => {
    let root = render(chatWith({}, visitor({ state: 'waiting', waitingSince: at - 65_000 })));
    expect(root.querySelector('.chat-head .sub')?.textContent).toBe('Waiting for 1:05');
    click(byText(root, 'button', 'Accept'));
    expect(calls).toEqual(['accept']);
    m?.unmount();
    root = render(chatWith({}, visitor({ state: 'chatting', owner: { id: 'bob', name: 'Bob' } })));
    expect(root.querySelector('.chat-head .sub')?.textContent).toBe('Chatting with Bob');
    expect(root.querySelector('.note')?.textContent).toBe(
      'Bob holds this chat: write below to join in, or take it over.',
    );
    expect(root.querySelector('textarea')).not.toBeNull();
    click(byText(root, 'button', 'Take over'));
    expect(calls).toEqual(['takeover']);
  });

  it('shows an ended chat without a composer', () => {
    const root = render(chatWith({ ended: 'visitor', messages: [message({})] }));
    expect(root.querySelector('.ended')?.textContent).toContain('The visitor ended the chat.');
    expect(root.querySelector('textarea')).toBeNull();
    expect(root.textContent).not.toContain('Close chat');
  });

  it('lists the pages the visitor viewed', () => {
    const root = render(chatWith({}));
    expect(root.querySelector('.facts summary')?.textContent).toBe('2 viewed');
    const pages = [...root.querySelectorAll('.facts .pages li')].map(
      (li) => li.querySelector('bdi')?.textContent,
    );
    expect(pages).toEqual(['Home', 'Green tea']);
  });

  it('marks a chat whose older messages were dropped', () => {
    const root = render(chatWith({ truncated: true, messages: [message({})] }));
    expect(root.querySelector('.system')?.textContent).toBe('Earlier messages are not shown.');
  });
});
