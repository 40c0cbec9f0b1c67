import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_EVENT } from './app-handover.js';
import { announceApp } from './app-start.js';
import { type AppLoader, bootFacade, QUEUED_COMMANDS } from './facade.js';
import { EN } from './i18n.js';
import type { CommandFunction } from './script-tag.js';
import { tick } from './test-chat.js';
import { NodeWebSocket, type ScriptedPeer, startPeer, welcome } from './test-peer.js';

// The script tag's facade (widget.js) in happy-dom, with the real app (app-start.ts) handed
// over through its real `conduit:app` event and a real `ws` peer on 127.0.0.1. Only the
// loading of the file is injected (happy-dom loads no script files); Chromium loads the
// real files in widget.browser.test.ts.

const win = window as unknown as Window & { Conduit?: CommandFunction };
const root = () => document.querySelector('conduit-chat')?.shadowRoot ?? null;
const launcher = () => root()?.querySelector<HTMLButtonElement>('button.l') ?? null;
const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await tick();
  expect(check()).toBe(true);
};

/** A loader that, like a browser, runs the app file a task later (or fails it). */
function loader(result: 'ok' | 'missing' | 'silent' = 'ok') {
  const requested: string[] = [];
  const load: AppLoader = (src, done) => {
    requested.push(src);
    setTimeout(() => {
      if (result === 'ok') announceApp(document);
      done(result !== 'missing');
    });
  };
  return { load, requested };
}

/** What the page's snippet installs before widget.js runs: a function that queues its calls. */
function snippetQueue(): CommandFunction {
  const queue: CommandFunction = (...args) => {
    queue.q = queue.q ?? [];
    queue.q.push(args);
  };
  return queue;
}

describe('script-tag facade', () => {
  let peer: ScriptedPeer | undefined;
  const original = globalThis.WebSocket;
  let relay = 'https://chat.example.com';

  const tag = (data: Record<string, string> = {}) => {
    const script = document.createElement('script');
    script.src = `${relay}/widget.js`;
    script.dataset.site = 'acme';
    script.dataset.locale = 'en';
    for (const [k, v] of Object.entries(data)) script.dataset[k] = v;
    return script;
  };

  /** Starts a peer and points the tag's relay at it (the app connects with the global WebSocket). */
  async function withPeer() {
    peer = await startPeer();
    relay = peer.url.replace('ws:', 'http:').replace('/v1/visitor?site=acme', '');
    globalThis.WebSocket = NodeWebSocket as unknown as typeof WebSocket;
    return peer;
  }

  beforeEach(() => {
    relay = 'https://chat.example.com';
  });

  afterEach(async () => {
    win.Conduit?.chat?.destroy();
    delete win.Conduit;
    globalThis.WebSocket = original;
    await peer?.stop();
    peer = undefined;
    sessionStorage.clear();
  });

  it('draws the launcher and emits ready without loading the app, writing storage or connecting', async () => {
    const { load, requested } = loader();
    const seen: string[] = [];
    win.Conduit = snippetQueue();
    win.Conduit('on', 'ready', ({ site }: { site: string }) => seen.push(`ready ${site}`));
    bootFacade(tag({ color: '#123456', position: 'left' }), win, load);
    await tick();
    const button = launcher();
    expect(button?.getAttribute('aria-label')).toBe(EN.open);
    expect(button?.getAttribute('aria-expanded')).toBe('false');
    expect(button?.getAttribute('part')).toBe('launcher');
    expect(document.querySelector('conduit-chat')?.classList.contains('left')).toBe(true);
    expect(seen).toEqual(['ready acme']);
    await tick();
    expect(requested).toEqual([]);
    expect(sessionStorage.length).toBe(0);
    expect(document.querySelectorAll('conduit-chat')).toHaveLength(1);
  });

  it('replays the queued commands in order into the real chat once a click has loaded it', async () => {
    const p = await withPeer();
    const { load, requested } = loader();
    const seen: string[] = [];
    win.Conduit = snippetQueue();
    win.Conduit('on', 'open', () => seen.push('open'));
    win.Conduit('identify', { name: 'Grace' });
    const facade = bootFacade(tag(), win, load);
    expect(win.Conduit.chat).toBe(facade);
    // Made after the boot, before the app: queued too.
    win.Conduit('on', 'status', ({ online }: { online: boolean }) => seen.push(`status ${online}`));
    win.Conduit('setPage', 'https://shop.example/cart?x=1', 'Cart');
    await tick();
    const button = launcher() as HTMLButtonElement;
    button.click();
    // A second click while the file loads is not lost and does not load it twice.
    button.click();
    expect(requested).toEqual([`${relay}/widget/app.js`]);
    expect(button.getAttribute('aria-busy')).toBe('true');
    const s = await p.accept();
    const hello = await s.nextOf('hello');
    expect(hello.page).toMatchObject({ url: 'https://shop.example/cart', title: 'Cart' });
    s.send(welcome());
    expect(await s.nextOf('info')).toEqual({ t: 'info', name: 'Grace' });
    await until(() => root()?.querySelector('[role=dialog]') !== null);
    await until(() => seen.includes('status true'));
    expect(seen.filter((e) => e === 'open')).toEqual(['open']);
    // Preact took the facade's launcher over in place: the same button, now the app's.
    expect(launcher()).toBe(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.hasAttribute('aria-busy')).toBe(false);
    // From now on the facade forwards at once.
    win.Conduit('close');
    await tick();
    expect(root()?.querySelector('[role=dialog]')).toBeNull();
    facade.open();
    expect(seen.filter((e) => e === 'open')).toEqual(['open', 'open']);
    expect(win.Conduit.chat).toBe(facade);
  });

  it('preloads on intent (focus, pointer) without opening, and keeps focus on the launcher', async () => {
    const { load, requested } = loader();
    bootFacade(tag(), win, load);
    await tick();
    const button = launcher() as HTMLButtonElement;
    button.focus();
    button.dispatchEvent(new Event('pointerenter'));
    expect(requested).toHaveLength(1);
    // The app has taken over once Preact has rendered the button (it drops aria-busy).
    await until(() => !button.hasAttribute('aria-busy'));
    expect(button.hasAttribute('title')).toBe(false);
    expect(launcher()).toBe(button);
    expect(root()?.activeElement).toBe(button);
    expect(root()?.querySelector('[role=dialog]')).toBeNull();
    expect(sessionStorage.length).toBe(0);
    // Running: a command reaches the chat at once, without another request.
    win.Conduit?.('open');
    expect(root()?.querySelector('[role=dialog]')).not.toBeNull();
    expect(requested).toHaveLength(1);
  });

  it('says so on the launcher when the app file does not load, and retries on the next click', async () => {
    const missing = loader('missing');
    let fail = true;
    const requested: string[] = [];
    const load: AppLoader = (src, done) => {
      requested.push(src);
      (fail ? missing.load : loader().load)(src, done);
    };
    const errors: unknown[] = [];
    const facade = bootFacade(tag(), win, load);
    facade.on('error', (e) => errors.push(e));
    await tick();
    const button = launcher() as HTMLButtonElement;
    expect(() => button.click()).not.toThrow();
    await until(() => errors.length === 1);
    expect(errors).toEqual([{ code: 'load_failed', message: 'app.js did not load' }]);
    const failed = `${EN.open} (${EN.loadFailed})`;
    expect(button.getAttribute('aria-label')).toBe(failed);
    expect(button.title).toBe(failed);
    // Hovering again does not hammer the relay; a click does try again.
    button.dispatchEvent(new Event('pointerenter'));
    expect(requested).toHaveLength(1);
    fail = false;
    button.click();
    await until(() => root()?.querySelector('[role=dialog]') !== null);
    expect(requested).toHaveLength(2);
    expect(button.hasAttribute('title')).toBe(false);
  });

  it('refuses a file that ran without handing over, or an app of another contract version', async () => {
    const errors: unknown[] = [];
    const facade = bootFacade(tag(), win, loader('silent').load);
    facade.on('error', (e) => errors.push(e));
    await tick();
    facade.open();
    await until(() => errors.length === 1);
    expect(errors[0]).toEqual({ code: 'load_failed', message: 'app.js did not start' });
    const other: AppLoader = (_src, done) =>
      setTimeout(() => {
        document.dispatchEvent(
          new CustomEvent(APP_EVENT, { detail: { v: 999, start: () => ({}) } }),
        );
        done(true);
      });
    facade.destroy();
    delete win.Conduit;
    const second = bootFacade(tag(), win, other);
    second.on('error', (e) => errors.push(e));
    await tick();
    second.open();
    await until(() => errors.length === 2);
    expect(errors[1]).toEqual({ code: 'load_failed', message: 'app.js of another version' });
    expect(root()?.querySelector('[role=dialog]')).toBeNull();
  });

  it('loads the app at once when this tab already has a chat, or the page says data-open', async () => {
    sessionStorage.setItem('conduit:acme', 'tok');
    const resumed = loader();
    const first = bootFacade(tag(), win, resumed.load);
    await tick();
    expect(resumed.requested).toHaveLength(1);
    first.destroy();
    sessionStorage.clear();
    delete win.Conduit;
    const opened = loader();
    bootFacade(tag({ open: 'true' }), win, opened.load);
    await tick();
    expect(opened.requested).toHaveLength(1);
    await until(() => root()?.querySelector('[role=dialog]') !== null);
  });

  it('loads the app for connect on-load only once consent is given', async () => {
    const { load, requested } = loader();
    const facade = bootFacade(tag({ connect: 'on-load' }), win, load);
    await tick();
    expect(requested).toEqual([]);
    facade.consent(true);
    expect(requested).toHaveLength(1);
  });

  it('destroy() before the app removes the element and ignores an app arriving late', async () => {
    const { load, requested } = loader();
    const facade = bootFacade(tag(), win, load);
    await tick();
    facade.open();
    facade.destroy();
    expect(document.querySelector('conduit-chat')).toBeNull();
    await tick();
    await tick();
    expect(requested).toHaveLength(1);
    expect(document.querySelector('conduit-chat')).toBeNull();
    expect(() => facade.open()).not.toThrow();
  });

  it(`keeps at most ${QUEUED_COMMANDS} commands, the last setPage and consent only`, async () => {
    const errors: unknown[] = [];
    const facade = bootFacade(tag(), win, loader().load);
    facade.on('error', (e) => errors.push(e));
    for (let i = 0; i < 500; i++) facade.setPage(`https://shop.example/${i}`, `p${i}`);
    expect(errors).toEqual([]);
    // Queued so far: the error listener and one setPage; two of these do not fit.
    for (let i = 0; i < QUEUED_COMMANDS; i++) facade.identify({ name: `n${i}` });
    const full = { code: 'refused', message: 'command identify: queue full' };
    expect(errors).toEqual([full, full]);
  });
});
