import { afterEach, describe, expect, it } from 'vitest';
import { type TestChat, testChat, tick } from './test-chat.js';
import { relayMsg, welcome } from './test-peer.js';

let t: TestChat;

afterEach(async () => {
  await t?.stop();
  sessionStorage.clear();
  document.title = '';
});

describe('createChat', () => {
  it('adds one <conduit-chat> with an open shadow root and only a labelled launcher', async () => {
    t = await testChat();
    expect(document.querySelectorAll('conduit-chat')).toHaveLength(1);
    expect(t.host()?.shadowRoot?.mode).toBe('open');
    const launcher = t.$('button.l');
    expect(launcher?.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher?.getAttribute('aria-expanded')).toBe('false');
    expect(t.$('[role=dialog]')).toBeNull();
  });

  it('opens no socket and stores nothing before the visitor opens it', async () => {
    t = await testChat();
    await tick();
    expect(t.peer.count).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });

  it('B20: adopts its stylesheet and sets no style attribute anywhere', async () => {
    t = await testChat();
    await t.connect();
    expect(t.root().adoptedStyleSheets.length).toBeGreaterThan(0);
    expect(t.root().querySelectorAll('[style]')).toHaveLength(0);
    expect(t.host()?.hasAttribute('style')).toBe(false);
  });

  it('connects on open, shows the site name and operators online, and focuses the composer', async () => {
    t = await testChat();
    const s = await t.connect();
    expect(s.url).toBe('/v1/visitor?site=acme');
    expect(t.$('[role=dialog]')?.getAttribute('aria-label')).toBe('Acme');
    expect(t.text('.h')).toContain('Online');
    expect(t.root().activeElement?.tagName).toBe('TEXTAREA');
    expect(sessionStorage.getItem('conduit:acme')).toBe('tok1');
  });

  it('closes on Escape and returns focus to the launcher', async () => {
    t = await testChat();
    await t.connect();
    t.$('[role=dialog]')?.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    await tick();
    expect(t.$('[role=dialog]')).toBeNull();
    expect(t.root().activeElement).toBe(t.$('button.l'));
  });

  it('sends on Enter, adds a line on Shift+Enter, and shows sending then delivered', async () => {
    t = await testChat();
    const s = await t.connect();
    await t.type('first line', { shiftKey: true });
    expect((t.$('textarea') as HTMLTextAreaElement).value).toBe('first line');
    await t.type('Hello there');
    const frame = await s.nextOf('msg');
    expect(frame).toMatchObject({ t: 'msg', text: 'Hello there' });
    expect(String(frame.id)).toMatch(/^[a-z0-9]{1,7}(-[a-z0-9]{1,7}){3}$/);
    expect((t.$('textarea') as HTMLTextAreaElement).value).toBe('');
    expect(t.text('.i.v')).toContain('Sending…');
    s.send({ t: 'ack', id: frame.id, seq: 1 });
    await t.until(() => t.text('.i.v').includes('Delivered'));
  });

  it('B19: shows operator names isolated in <bdi>, and no name on the visitor side', async () => {
    t = await testChat();
    const s = await t.connect();
    s.send({ ...relayMsg(1, 'Hi!'), name: '\u202eAda' });
    await t.until(() => t.$$('.i').length > 0);
    const bdi = t.$('.i .n bdi');
    expect(bdi?.textContent).toBe('\u202eAda');
    expect(t.$('.i.v')).toBeNull();
  });

  it('B4: renders script-like message text inert and links only http(s) URLs', async () => {
    t = await testChat();
    const s = await t.connect();
    const hostile =
      '<img src=x onerror=alert(1)> <svg onload=alert(2)> </script> javascript:alert(3) ' +
      'data:text/html,<b>x</b> [x](javascript:alert(4)) see https://example.com/a?b=1.';
    s.send(relayMsg(1, hostile));
    await t.until(() => t.$$('.i').length > 0);
    const item = t.$('.i') as HTMLElement;
    expect(item.querySelectorAll('img, svg:not([aria-hidden]), script, b')).toHaveLength(0);
    expect(item.textContent).toContain(hostile);
    const links = Array.from(item.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
  });

  it('shows the operator typing and sends the visitor typing', async () => {
    t = await testChat();
    const s = await t.connect();
    s.send({ t: 'typing', on: true, name: 'Ada' });
    await t.until(() => t.text('[role=status]').includes('Ada is typing…'));
    s.send({ t: 'typing', on: false });
    await t.until(() => !t.text('[role=status]').includes('typing'));
    const box = t.$('textarea') as HTMLTextAreaElement;
    box.value = 'h';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    expect(await s.nextOf('typing')).toEqual({ t: 'typing', on: true });
  });

  it('counts unread operator messages while closed, not replayed history, and clears on open', async () => {
    t = await testChat();
    const counts: number[] = [];
    t.chat.on('unread', ({ count }) => counts.push(count));
    t.chat.open();
    const s = await t.peer.accept();
    await s.nextOf('hello');
    t.chat.close();
    s.send({
      t: 'welcome',
      session: 's',
      token: 'tok1',
      resumed: true,
      truncated: false,
      operators: [],
      online: true,
      agent: null,
      widget: { name: 'Acme' },
    });
    await s.nextOf('ping');
    s.send(relayMsg(1, 'old news'));
    s.send({ t: 'pong' });
    s.send(relayMsg(2, 'new'));
    s.send(relayMsg(3, 'newer'));
    await t.until(() => t.text('.b') === '2');
    expect(t.$('button.l')?.getAttribute('aria-label')).toBe('Open chat (2 unread)');
    expect(document.title).toBe('');
    t.chat.open();
    await tick();
    expect(t.$('.b')).toBeNull();
    expect(counts).toEqual([1, 2, 0]);
  });

  it('shows the 4000-character counter near the limit', async () => {
    t = await testChat();
    await t.connect();
    const box = t.$('textarea') as HTMLTextAreaElement;
    box.value = 'x'.repeat(3500);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    expect(t.text('.k')).toBe('3500/4000');
    expect(box.maxLength).toBe(4000);
  });

  it('B24: sends nothing for an empty or whitespace-only message', async () => {
    t = await testChat();
    const s = await t.connect();
    await t.type('   \n  ');
    await t.type('real');
    expect(await s.nextOf('msg')).toMatchObject({ text: 'real' });
    expect(t.$$('.i.v')).toHaveLength(1);
  });

  it('asks for name and e-mail first when the site requires it, with validation', async () => {
    t = await testChat();
    const s = await t.connect({ widget: { name: 'Acme', preChat: 'required' } });
    expect(t.$$('.f label').map((l) => l.textContent)).toEqual(['Name', 'E-mail']);
    await t.click('Start');
    expect(t.$$('.e').map((e) => e.textContent)).toEqual(['Required.', 'Required.']);
    expect(t.$('#f-name')?.getAttribute('aria-invalid')).toBe('true');
    expect(t.$('#f-name')?.getAttribute('aria-describedby')).toBe('f-name-e');
    (t.$('#f-name') as HTMLInputElement).value = 'Grace';
    (t.$('#f-email') as HTMLInputElement).value = 'grace@evil y';
    await t.click('Start');
    expect(t.$$('.e').map((e) => e.textContent)).toEqual(['Invalid e-mail.']);
    (t.$('#f-email') as HTMLInputElement).value = 'grace@example.com';
    await t.click('Start');
    expect(await s.nextOf('info')).toEqual({
      t: 'info',
      name: 'Grace',
      email: 'grace@example.com',
    });
    expect(t.$('textarea')).not.toBeNull();
  });

  it('lets the visitor skip an optional pre-chat form', async () => {
    t = await testChat({ preChat: 'optional' });
    await t.connect();
    expect(t.text('.f')).toContain('(optional)');
    await t.click('Skip');
    expect(t.$('textarea')).not.toBeNull();
  });

  it('shows the offline form when nobody is online, validates it, and thanks once queued', async () => {
    t = await testChat();
    const s = await t.connect({ online: false, operators: [] });
    expect(t.text('.h')).toContain('Away');
    expect(t.text('.f')).toContain('We are away. Leave a message.');
    await t.click('Send');
    expect(t.$$('.e')).toHaveLength(3);
    (t.$('#f-name') as HTMLInputElement).value = 'Lin';
    (t.$('#f-email') as HTMLInputElement).value = 'lin@example.com';
    (t.$('#f-text') as HTMLTextAreaElement).value = 'Call me back, please.';
    await t.click('Send');
    const frame = await s.nextOf('offline');
    expect(frame).toMatchObject({
      name: 'Lin',
      email: 'lin@example.com',
      text: 'Call me back, please.',
    });
    expect(t.text('.f button')).toBe('Sending…');
    s.send({ t: 'queued', id: frame.id });
    await t.until(() => t.text('[role=status]').includes('Thanks! We will reply by e-mail.'));
  });

  it('12.1: the offline form tells the visitor the relay refused the message, and keeps it', async () => {
    t = await testChat();
    const s = await t.connect({ online: false, operators: [] });
    (t.$('#f-name') as HTMLInputElement).value = 'Lin';
    (t.$('#f-email') as HTMLInputElement).value = 'lin@example.com';
    (t.$('#f-text') as HTMLTextAreaElement).value = 'Call me back, please.';
    await t.click('Send');
    const frame = await s.nextOf('offline');
    s.send({
      t: 'error',
      code: 'offline_limited',
      message: 'Too many offline messages from this address; try again later.',
      id: frame.id,
    });
    await t.until(() => t.text('.f [role=alert]') !== '');
    expect(t.text('.f [role=alert]')).toBe('Not sent: too many messages. Try again later.');
    expect(t.text('.f button')).toBe('Send');
    expect((t.$('#f-text') as HTMLTextAreaElement).value).toBe('Call me back, please.');
    // Sent again later and taken: the refusal goes, the thanks show.
    await t.click('Send');
    const again = await s.nextOf('offline');
    expect(t.$('.f [role=alert]')).toBeNull();
    s.send({ t: 'queued', id: again.id });
    await t.until(() => t.text('[role=status]').includes('Thanks! We will reply by e-mail.'));
  });

  it('asks for confirmation before ending the chat, and Cancel goes back', async () => {
    t = await testChat();
    const s = await t.connect();
    await t.type('hi');
    await t.click('End chat');
    expect(t.text('[role=alertdialog]')).toContain('End this chat?');
    await t.click('Cancel');
    expect(t.$('[role=alertdialog]')).toBeNull();
    await t.click('End chat');
    t.$$('[role=alertdialog] button')[0]?.click();
    expect(await s.nextOf('end')).toEqual({ t: 'end' });
    s.send({ t: 'ended', reason: 'visitor' });
    await t.until(() => t.text('.f').includes('Chat ended.'));
    expect(sessionStorage.getItem('conduit:acme')).toBeNull();
  });

  it('starts a new chat after the end, without the old token', async () => {
    t = await testChat();
    const s = await t.connect();
    s.send({ t: 'ended', reason: 'operator' });
    await t.until(() => t.text('.f').includes('Chat ended.'));
    await t.click('New chat');
    const fresh = await t.peer.accept();
    expect(await fresh.nextOf('hello')).not.toHaveProperty('resume');
  });

  it('downloads the transcript as a text file made in the browser', async () => {
    t = await testChat();
    const s = await t.connect();
    await t.type('Where is my order?');
    s.send({ ...relayMsg(2, 'On its way: https://track.example/1'), name: 'Ada' });
    await t.until(() => t.$$('.i').length === 2);
    const made: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      made.push(blob);
      return 'blob:test';
    };
    try {
      await t.click('Transcript');
    } finally {
      URL.createObjectURL = original;
    }
    expect(made).toHaveLength(1);
    const text = await made[0]?.text();
    expect(text).toMatch(/^Acme — /);
    expect(text).toMatch(/\] You: Where is my order\?\n/);
    expect(text).toMatch(/\] Ada: On its way: https:\/\/track\.example\/1\n/);
  });

  it('shows reconnecting while the relay restarts, then carries on', async () => {
    t = await testChat();
    const s = await t.connect();
    s.close(1012);
    await t.until(() => t.text('[role=status]').includes('Reconnecting…') || t.peer.count === 2);
    const again = await t.peer.accept();
    expect(await again.nextOf('hello')).toMatchObject({ resume: 'tok1' });
  });

  it('resumes at once on the next page when this tab has a chat', async () => {
    sessionStorage.setItem('conduit:acme', 'tok9');
    t = await testChat();
    const s = await t.peer.accept();
    expect(await s.nextOf('hello')).toMatchObject({ resume: 'tok9', lastSeq: 0 });
  });

  it('keeps an "open" flag next to the token while the panel is open, cleared on close, end and destroy', async () => {
    t = await testChat();
    const s = await t.connect();
    expect(sessionStorage.getItem('conduit:acme:o')).toBe('1');
    t.chat.close();
    expect(sessionStorage.getItem('conduit:acme:o')).toBeNull();
    t.chat.open();
    expect(sessionStorage.getItem('conduit:acme:o')).toBe('1');
    s.send({ t: 'ended', reason: 'operator' });
    await t.until(() => t.text('.f').includes('Chat ended.'));
    expect(Object.keys(sessionStorage)).toEqual([]);
    await t.click('New chat');
    const fresh = await t.peer.accept();
    await fresh.nextOf('hello');
    fresh.send(welcome({ session: 'sess2', token: 'tok2' }));
    await t.until(() => sessionStorage.getItem('conduit:acme:o') === '1');
    t.chat.destroy();
    expect(sessionStorage.getItem('conduit:acme:o')).toBeNull();
  });

  it('reopens the panel on the next page when it was open on the last one', async () => {
    sessionStorage.setItem('conduit:acme', 'tok9');
    sessionStorage.setItem('conduit:acme:o', '1');
    t = await testChat();
    expect(t.$('[role=dialog]')).not.toBeNull();
    const s = await t.peer.accept();
    expect(await s.nextOf('hello')).toMatchObject({ resume: 'tok9' });
    expect(sessionStorage.getItem('conduit:acme:o')).toBe('1');
  });

  it('stays closed on the next page when it was closed there, and keeps no flag without persistence', async () => {
    sessionStorage.setItem('conduit:acme', 'tok9');
    t = await testChat();
    await t.peer.accept();
    expect(t.$('[role=dialog]')).toBeNull();
    await t.stop();
    sessionStorage.clear();
    t = await testChat({ persist: false });
    await t.connect();
    expect(sessionStorage.length).toBe(0);
  });

  it('connects on load only with consent', async () => {
    t = await testChat({ connect: 'on-load' });
    await tick();
    expect(t.peer.count).toBe(0);
    t.chat.consent(true);
    const s = await t.peer.accept();
    expect((await s.next()).t).toBe('hello');
  });

  it('speaks German with locale de and takes string overrides', async () => {
    t = await testChat({ locale: 'de-AT', strings: { send: 'Los' } });
    // The German table is its own chunk, imported on demand (English until then).
    await t.until(() => t.$('button.l')?.getAttribute('aria-label') === 'Chat öffnen');
    await t.connect();
    expect(t.text('.c button')).toBe('Los');
    expect((t.$('textarea') as HTMLTextAreaElement).placeholder).toBe('Nachricht…');
  });

  it('15: sets lang and dir on the panel, mirrors the default side for Arabic, and takes per-language texts', async () => {
    t = await testChat({
      locale: 'ar-EG',
      greeting: 'Hello!',
      texts: { ar: { greeting: 'أهلًا! كيف نساعدك؟', send: 'أرسل' }, en: { send: 'Go' } },
    });
    await t.until(() => t.$('button.l')?.getAttribute('aria-label') === 'فتح المحادثة');
    expect(t.host()?.classList.contains('left')).toBe(true);
    await t.connect();
    const panel = t.$('.p');
    expect([panel?.getAttribute('lang'), panel?.getAttribute('dir')]).toEqual(['ar', 'rtl']);
    expect(t.text('.c button')).toBe('أرسل');
    expect(t.text('.m .i')).toBe('أهلًا! كيف نساعدك؟');
  });

  it('15: shows English as lang=en ltr for an unshipped language, and takes a page’s own side literally', async () => {
    t = await testChat({
      locale: 'ko-KR',
      position: 'left',
      texts: { en: { send: 'Go' }, ko: { send: '보내기' } },
    });
    await t.connect();
    expect([t.$('.p')?.getAttribute('lang'), t.$('.p')?.getAttribute('dir')]).toEqual([
      'en',
      'ltr',
    ]);
    expect(t.text('.c button')).toBe('Go');
    expect(t.host()?.classList.contains('left')).toBe(true);
    await t.stop();
    t = await testChat({ locale: 'he', position: 'right' });
    await t.connect();
    await t.until(() => t.$('.p')?.getAttribute('lang') === 'he');
    expect(t.$('.p')?.getAttribute('dir')).toBe('rtl');
    expect(t.text('.c button')).toBe('שליחה');
    expect(t.host()?.classList.contains('left')).toBe(false);
  });

  it('emits typed events: ready, open, status, message, ended', async () => {
    const seen: string[] = [];
    t = await testChat();
    t.chat.on('open', () => seen.push('open'));
    t.chat.on('status', ({ online }) => seen.push(`status:${online}`));
    t.chat.on('message', ({ from, text }) => seen.push(`${from}:${text}`));
    t.chat.on('ended', ({ reason }) => seen.push(`ended:${reason}`));
    const s = await t.connect();
    s.send(relayMsg(1, 'hello'));
    s.send({ t: 'ended', reason: 'operator' });
    await t.until(() => seen.length === 4);
    expect(seen).toEqual(['open', 'status:true', 'operator:hello', 'ended:operator']);
  });

  it('removes its element, socket and listeners on destroy()', async () => {
    t = await testChat();
    const s = await t.connect();
    t.chat.destroy();
    expect(document.querySelector('conduit-chat')).toBeNull();
    expect(await s.closed).toBe(1000);
    window.dispatchEvent(new Event('online'));
    t.chat.open();
    await tick();
    expect(t.peer.count).toBe(1);
  });
});
