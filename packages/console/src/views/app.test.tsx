import type { OperatorToRelay } from '@conduit-chat/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConsoleController, createConsoleController } from '../console-controller.js';
import { byText, click, type Mounted, mount, press, submit, typeInto } from '../test-dom.js';
import { type RecordingNotifier, recordingNotifier } from '../test-notifier.js';
import {
  readyFrame,
  startTestRelay,
  type TestConnection,
  type TestRelay,
  visitor,
} from '../test-ws-server.js';
import { App } from './app.js';

// The whole console (controller + views) against a real WebSocket server on 127.0.0.1 that
// plays the relay frame by frame.
describe('App', () => {
  let relay: TestRelay;
  let notifier: RecordingNotifier;
  let controller: ConsoleController;
  let m: Mounted;

  beforeEach(async () => {
    relay = await startTestRelay();
    notifier = recordingNotifier();
    sessionStorage.clear();
    controller = createConsoleController({
      endpoint: (site) => relay.url(site),
      storage: sessionStorage,
      notifier,
      limits: { typingRepeatMs: 60_000, typingIdleMs: 60_000, reconnectBaseMs: 10 },
    });
    m = mount(<App controller={controller} tickMs={60_000} />);
  });
  afterEach(async () => {
    controller.logout();
    m.unmount();
    await relay.close();
    sessionStorage.clear();
  });

  const root = () => m.root;
  const until = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 10 });
  const signIn = async (key = 'k-ada') => {
    typeInto(root().querySelector('input[name=site]'), 'acme');
    typeInto(root().querySelector('input[name=key]'), key);
    submit(root().querySelector('form'));
    const conn = await relay.connection();
    expect(await conn.next()).toEqual({ t: 'auth', v: 1, key });
    return conn;
  };
  const ready = async (visitors = [visitor()]) => {
    const conn = await signIn();
    conn.send(readyFrame(visitors));
    await until(() => expect(root().querySelector('.topbar')).not.toBeNull());
    return conn;
  };
  const nextOf = async <T extends OperatorToRelay['t']>(conn: TestConnection, t: T) => {
    for (;;) {
      const f = await conn.next();
      if (f.t === t) return f as Extract<OperatorToRelay, { t: T }>;
    }
  };

  it('says "Site or key not recognised." for a refused key, and forgets it', async () => {
    const conn = await signIn('wrong-key');
    expect(root().querySelector('button[type=submit]')?.textContent).toBe('Signing in…');
    conn.send({
      t: 'error',
      code: 'auth_failed',
      message: 'Operator key is not valid for this site.',
    });
    conn.close(4001);
    await until(() =>
      expect(root().querySelector('[role=alert]')?.textContent).toBe('Site or key not recognised.'),
    );
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    expect(location.href).not.toContain('wrong-key');
    expect((root().querySelector('input[name=site]') as HTMLInputElement).value).toBe('acme');
  });

  it('keeps the key in sessionStorage while signed in, and logout forgets it and closes the socket', async () => {
    const conn = await ready();
    expect(sessionStorage.getItem('conduit.console.signin')).toContain('k-ada');
    expect(localStorage.length).toBe(0);
    expect(conn.site).toBe('acme');
    click(byText(root(), 'button', 'Log out'));
    expect(await conn.closed).toBe(1000);
    expect(sessionStorage.length).toBe(0);
    expect(root().querySelector('input[name=key]')).not.toBeNull();
  });

  it('shows visitors live: a page change updates the row, gone removes it', async () => {
    const conn = await ready([visitor({ name: 'Eve' }), visitor({ session: 's2' })]);
    const row = (s: string) => root().querySelector(`tr[data-session="${s}"]`);
    expect(row('s1')?.textContent).toContain('Green tea');
    conn.send({
      t: 'visitor',
      visitor: visitor({
        name: 'Eve',
        page: { url: 'https://shop.example/cart', title: 'Your cart' },
      }),
    });
    await until(() =>
      expect(row('s1')?.querySelector('.page')?.textContent).toBe('Your cart/cart'),
    );
    conn.send({ t: 'gone', session: 's1', reason: 'expired' });
    await until(() => expect(row('s1')).toBeNull());
    expect(row('s2')).not.toBeNull();
  });

  it('accepts a waiting chat, chats both ways with typing and delivered state, and closes it', async () => {
    const conn = await ready([
      visitor({ name: 'Eve', state: 'waiting', waitingSince: Date.now() }),
    ]);
    expect(root().querySelector('.queue')?.textContent).toContain('Eve');
    click(byText(root().querySelector('.queue')!, 'button', 'Accept'));
    expect(await nextOf(conn, 'accept')).toEqual({ t: 'accept', session: 's1' });
    conn.send({
      t: 'visitor',
      visitor: visitor({ name: 'Eve', state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
    });
    await until(() =>
      expect(root().querySelector('.chat-head .sub')?.textContent).toBe('Chatting with you'),
    );

    conn.send({ t: 'typing', session: 's1', on: true, from: 'visitor' });
    await until(() => expect(root().querySelector('.typing')?.textContent).toBe('Eve is typing…'));
    conn.send({
      t: 'msg',
      session: 's1',
      seq: 1,
      id: 'v1',
      from: 'visitor',
      text: 'Do you ship to Norway?',
      at: Date.now(),
    });
    await until(() =>
      expect(root().querySelector('.msg.visitor .text')?.textContent).toBe(
        'Do you ship to Norway?',
      ),
    );
    expect(root().querySelector('.typing')?.textContent).toBe('');

    const box = root().querySelector('textarea')!;
    typeInto(box, 'Yes, we do');
    expect(await nextOf(conn, 'typing')).toEqual({ t: 'typing', session: 's1', on: true });
    press(box, 'Enter');
    const sent = await nextOf(conn, 'msg');
    expect(sent).toMatchObject({ t: 'msg', session: 's1', text: 'Yes, we do' });
    expect(sent.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(await nextOf(conn, 'typing')).toEqual({ t: 'typing', session: 's1', on: false });
    expect(root().querySelector('.msg.mine .status')?.textContent).toBe('Sending…');
    conn.send({ t: 'ack', session: 's1', id: sent.id, seq: 2 });
    await until(() =>
      expect(root().querySelector('.msg.mine .status')?.textContent).toBe('Delivered'),
    );

    click(byText(root(), 'button', 'Close chat'));
    click(byText(root(), 'button', 'Yes, close chat'));
    expect(await nextOf(conn, 'close')).toEqual({ t: 'close', session: 's1' });
    conn.send({ t: 'gone', session: 's1', reason: 'operator' });
    await until(() =>
      expect(root().querySelector('.ended')?.textContent).toContain('closed by an operator'),
    );
    expect(root().querySelectorAll('.msg')).toHaveLength(2);
  });

  it('handles several chats at once with unread counts in the tabs and the title', async () => {
    const conn = await ready([
      visitor({ session: 'a', name: 'Ann', state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
      visitor({ session: 'b', name: 'Ben', state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
    ]);
    const tabs = () => [...root().querySelectorAll('.tabs .tab')].map((t) => t.textContent);
    expect(tabs()).toEqual(['Ann', 'Ben']);
    click(byText(root(), '.tab', 'Ann'));
    conn.send({ t: 'msg', session: 'b', seq: 1, id: 'v1', from: 'visitor', text: 'Hello?', at: 1 });
    conn.send({
      t: 'msg',
      session: 'b',
      seq: 2,
      id: 'v2',
      from: 'visitor',
      text: 'Anyone?',
      at: 2,
    });
    await until(() => expect(tabs()).toEqual(['Ann', 'Ben2 unread']));
    expect(document.title).toBe('(2) Acme · Conduit console');
    expect(notifier.beeps).toBe(2);
    click(byText(root(), '.tab', 'Ben'));
    await until(() => expect(tabs()).toEqual(['Ann', 'Ben']));
    expect(document.title).toBe('Acme · Conduit console');
    expect(root().querySelector('#chat-title')?.textContent).toBe('Ben');
  });

  it('notifies a new chat with a sound, and on the desktop while the tab is hidden', async () => {
    const conn = await ready([visitor({ name: 'Eve' })]);
    click(byText(root(), 'button', 'Enable desktop notifications'));
    await until(() => expect(root().textContent).not.toContain('Enable desktop notifications'));
    controller.setVisible(false);
    conn.send({
      t: 'visitor',
      visitor: visitor({ name: 'Eve', state: 'waiting', waitingSince: Date.now() }),
    });
    await until(() => expect(notifier.desktops).toHaveLength(1));
    expect(notifier.desktops[0]).toEqual({
      title: 'New chat waiting',
      body: 'Eve would like to chat.',
      tag: 'chat-s1',
    });
    expect(notifier.beeps).toBe(1);
    expect(document.title).toBe('(1) Acme · Conduit console');
    conn.send({ t: 'msg', session: 's1', seq: 1, id: 'v1', from: 'visitor', text: 'Hi', at: 1 });
    await until(() => expect(notifier.desktops).toHaveLength(2));
    expect(notifier.desktops[1]?.title).toBe('New message');
    expect(notifier.desktops[1]?.body).toBe('Eve wrote a message.');
  });

  it("16: the Away toggle sends status, shows colleagues' status, mutes new chats and survives a reconnect", async () => {
    const conn = await ready([visitor({ name: 'Eve' })]);
    conn.send({
      t: 'operators',
      operators: [
        { id: 'ada', name: 'Ada' },
        { id: 'bob', name: 'Bob', away: true },
      ],
    });
    await until(() =>
      expect(root().querySelector('.operators')?.textContent).toContain('Bob (away)'),
    );
    const toggle = byText(root(), 'button', 'Away');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    click(toggle);
    expect(await nextOf(conn, 'status')).toEqual({ t: 'status', away: true });
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(root().querySelector('.me')?.textContent).toContain('(away)');
    // A new chat while away: no sound, no desktop notice (colleagues take it); a message in it
    // still notifies (and shows the chat frame was handled before it).
    click(byText(root(), 'button', 'Enable desktop notifications'));
    await until(() => expect(root().textContent).not.toContain('Enable desktop notifications'));
    controller.setVisible(false);
    conn.send({
      t: 'visitor',
      visitor: visitor({ name: 'Eve', state: 'waiting', waitingSince: Date.now() }),
    });
    conn.send({ t: 'msg', session: 's1', seq: 1, id: 'v1', from: 'visitor', text: 'Hi', at: 1 });
    await until(() => expect(notifier.desktops).toHaveLength(1));
    expect(notifier.desktops[0]?.title).toBe('New message');
    expect(notifier.beeps).toBe(1);
    controller.setVisible(true);
    // A new socket starts online at the relay: the console says away again after ready.
    conn.kill();
    const again = await relay.connection();
    expect((await again.next()).t).toBe('auth');
    again.send(readyFrame([]));
    expect(await nextOf(again, 'status')).toEqual({ t: 'status', away: true });
    click(byText(root(), 'button', 'Away'));
    expect(await nextOf(again, 'status')).toEqual({ t: 'status', away: false });
    expect(byText(root(), 'button', 'Away').getAttribute('aria-pressed')).toBe('false');
  });

  it('invites a browsing visitor and shows the relay refusing it', async () => {
    const conn = await ready([visitor({ name: 'Eve' })]);
    click(byText(root(), 'tr[data-session="s1"] button', 'Invite'));
    const dialog = root().querySelector('[role=dialog]')!;
    expect(dialog.querySelector('h2')?.textContent).toBe('Invite Eve to chat');
    typeInto(dialog.querySelector('textarea'), 'Can I help you find a tea?');
    submit(dialog.querySelector('form'));
    expect(await nextOf(conn, 'invite')).toEqual({
      t: 'invite',
      session: 's1',
      text: 'Can I help you find a tea?',
    });
    expect(root().querySelector('[role=dialog]')).toBeNull();
    expect(root().querySelector('tr[data-session="s1"] .actions')?.textContent).toBe('Invited');
    conn.send({
      t: 'error',
      code: 'forbidden',
      message: 'Not allowed for this connection.',
      session: 's1',
    });
    await until(() =>
      expect(root().querySelector('.banner.error span')?.textContent).toBe(
        'Not possible: another operator may hold this chat, or the site does not allow invitations.',
      ),
    );
    click(byText(root(), '.banner button', 'Dismiss'));
    expect(root().querySelector('.banner.error')).toBeNull();
  });

  it('views a chat another operator holds and takes it over', async () => {
    const conn = await ready([
      visitor({ name: 'Eve', state: 'chatting', owner: { id: 'bob', name: 'Bob' }, lastSeq: 1 }),
    ]);
    expect(await nextOf(conn, 'sync')).toEqual({ t: 'sync', session: 's1', lastSeq: 0 });
    conn.send({
      t: 'msg',
      session: 's1',
      seq: 1,
      id: 'o1',
      from: 'operator',
      name: 'Bob',
      text: 'Hi Eve',
      at: 1,
    });
    expect(root().querySelector('.others')?.textContent).toContain('Eve');
    click(byText(root(), '.others button', 'View'));
    await until(() => expect(root().querySelector('.msg.operator .name')?.textContent).toBe('Bob'));
    expect(root().querySelector('.chat-head .sub')?.textContent).toBe('Chatting with Bob');
    click(byText(root(), 'button', 'Take over'));
    expect(await nextOf(conn, 'accept')).toEqual({ t: 'accept', session: 's1', takeover: true });
  });

  it('shows a reconnecting banner after a drop and catches up on the missed messages', async () => {
    const conn = await ready([
      visitor({ name: 'Eve', state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
    ]);
    click(byText(root(), '.tab', 'Eve'));
    conn.send({ t: 'msg', session: 's1', seq: 1, id: 'v1', from: 'visitor', text: 'one', at: 1 });
    await until(() => expect(root().querySelectorAll('.msg')).toHaveLength(1));
    conn.kill();
    await until(() =>
      expect(root().querySelector('.banner.warn')?.textContent).toContain('Reconnecting'),
    );
    const again = await relay.connection();
    expect((await again.next()).t).toBe('auth');
    again.send(
      readyFrame([
        visitor({ name: 'Eve', state: 'chatting', owner: { id: 'ada', name: 'Ada' }, lastSeq: 3 }),
      ]),
    );
    expect(await nextOf(again, 'sync')).toEqual({ t: 'sync', session: 's1', lastSeq: 1 });
    for (const seq of [1, 2, 3]) {
      again.send({
        t: 'msg',
        session: 's1',
        seq,
        id: `v${seq}`,
        from: 'visitor',
        text: `m${seq}`,
        at: seq,
      });
    }
    await until(() => expect(root().querySelectorAll('.msg')).toHaveLength(3));
    expect([...root().querySelectorAll('.msg .text')].map((t) => t.textContent)).toEqual([
      'one',
      'm2',
      'm3',
    ]);
    expect(root().querySelector('.banner.warn')).toBeNull();
  });

  it('F14: shows a partial-view notice while the relay cannot reach the other nodes', async () => {
    const conn = await ready();
    expect(root().querySelector('.banner.warn')).toBeNull();
    conn.send({ t: 'cluster', partial: true });
    await until(() =>
      expect(root().querySelector('.banner.warn')?.textContent).toContain('Partial view'),
    );
    conn.send({ t: 'cluster', partial: false });
    await until(() => expect(root().querySelector('.banner.warn')).toBeNull());
  });

  it('B4/B19: shows a script-like visitor name and message as inert text', async () => {
    const name = '<img src=x onerror="window.pwned=1">\u202eevil';
    const conn = await ready([
      visitor({ name, state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
    ]);
    conn.send({
      t: 'msg',
      session: 's1',
      seq: 1,
      id: 'v1',
      from: 'visitor',
      text: '<script>window.pwned=2</script>',
      at: 1,
    });
    click(root().querySelector('.tabs .tab'));
    await until(() =>
      expect(root().querySelector('.msg .text')?.textContent).toBe(
        '<script>window.pwned=2</script>',
      ),
    );
    expect(root().querySelector('#chat-title bdi')?.textContent).toBe(name);
    expect(root().querySelector('.shell img, .shell script')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });
});
