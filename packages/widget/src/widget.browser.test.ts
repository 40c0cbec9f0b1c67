import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, hashOperatorKey, type Relay, startRelay } from '@conduit-chat/relay';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptingDispatcher } from '../../../test-support/accepting-dispatcher.js';
import { axeViolations } from '../../../test-support/axe.js';
import { launchChromium } from '../../../test-support/chromium.js';
import { buildScriptTag } from '../vite.config.js';

// The script-tag widget in Chromium against the real relay. The host pages come from their
// own server (another origin than the relay, as on a customer's site); the relay serves the
// freshly built widget.js (the facade) and widget/app.js (the chat it loads on intent), and
// carries the chat to an operator socket driven by the test.

const KEY = 'ck_widget_browser_ada_0123456789abcdef';
const NONCE = 'n0nce-widget-test';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SHOTS = here('../screenshots');
// README screenshots are rewritten only on request (they carry the time of day):
// CONDUIT_SCREENSHOTS=1 npx vitest run --project browser packages/widget
const SAVE = process.env.CONDUIT_SCREENSHOTS === '1';
const shot = (name: string) => (SAVE ? { path: join(SHOTS, name) } : {});

type Frame = Record<string, unknown> & { t: string };

/** An operator socket (what the console does), with a queue of frames. */
class Operator {
  readonly ws: WebSocket;
  private readonly frames: Frame[] = [];
  private wake: (() => void) | null = null;
  constructor(url: string, origin: string) {
    this.ws = new WebSocket(url, { origin });
    this.ws.on('message', (d) => {
      this.frames.push(JSON.parse(String(d)) as Frame);
      this.wake?.();
    });
  }
  opened = () => new Promise((resolve) => this.ws.once('open', resolve));
  send = (f: Frame) => this.ws.send(JSON.stringify(f));
  async next(t: string, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    for (;;) {
      const i = this.frames.findIndex((f) => f.t === t && match(f));
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
  close = () =>
    new Promise<void>((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
}

const HOSTILE_CSS = `<style>
* { all: unset !important; }
html, body { display: block !important; background: #fff !important; }
button { font-size: 40px !important; color: red !important; }
div, conduit-chat { position: static !important; z-index: 1 !important; }
.war { position: fixed !important; inset: 0 !important; z-index: 2147483647 !important; pointer-events: none !important; }
#conduit-chat, [id^=conduit] { display: none !important; }
</style>`;

describe('widget in Chromium (script tag, real relay, another origin)', () => {
  let relay: Relay;
  let hostServer: Server;
  let host = '';
  let chrome: Browser;
  let widgetDir = '';
  const contexts: BrowserContext[] = [];
  let operators: Operator[] = [];

  const page = (opts: { head?: string; body?: string; nonce?: boolean } = {}) => {
    const nonce = opts.nonce ? ` nonce="${NONCE}"` : '';
    const guard = opts.nonce
      ? `<script nonce="${NONCE}">window.__violations=[];document.addEventListener('securitypolicyviolation',(e)=>window.__violations.push(e.violatedDirective+' '+e.blockedURI));</script>`
      : '';
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Acme shop</title>${opts.head ?? ''}${guard}</head><body><main><h1>Acme shop</h1><p>Tea, coffee and cake.</p>${opts.body ?? ''}</main><script src="${relay.url}/widget.js" data-site="acme" async${nonce}></script></body></html>`;
  };

  // Pages open in an English browser unless `locale` says otherwise (navigator.language).
  async function open(path: string, viewport = { width: 1280, height: 800 }, locale = 'en-US') {
    const context = await chrome.newContext({ viewport, locale });
    contexts.push(context);
    const p = await context.newPage();
    const sockets: string[] = [];
    const localeRequests: string[] = [];
    const appRequests: string[] = [];
    const errors: string[] = [];
    p.on('websocket', (ws) => sockets.push(ws.url()));
    p.on('request', (r) => {
      if (r.url().includes('/locales/')) localeRequests.push(r.url());
      if (r.url().endsWith('/widget/app.js')) appRequests.push(r.url());
    });
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${host}${path}`);
    await p.locator('conduit-chat button.l').waitFor();
    return { page: p, context, sockets, localeRequests, appRequests, errors };
  }

  /** The launcher's accessible name (it is in the page's language). */
  const launcherLabel = (p: Page) => p.locator('conduit-chat button.l').getAttribute('aria-label');

  /** Pixels that differ by more than 4 levels in a channel between two PNGs (decoded by Chromium). */
  async function pixelDiff(a: Buffer, b: Buffer): Promise<number> {
    const context = await chrome.newContext();
    contexts.push(context);
    const p = await context.newPage();
    const urls = [a, b].map((x) => `data:image/png;base64,${x.toString('base64')}`);
    return p.evaluate(async (srcs) => {
      const pixels = await Promise.all(
        srcs.map(async (src) => {
          const img = new Image();
          img.src = src;
          await img.decode();
          const canvas = new OffscreenCanvas(img.width, img.height);
          const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(0, 0, img.width, img.height).data;
        }),
      );
      const [x, y] = pixels as [Uint8ClampedArray, Uint8ClampedArray];
      if (x.length !== y.length) return -1;
      let n = 0;
      for (let i = 0; i < x.length; i += 4) {
        // Off by a level or two in a soft shadow is compositing noise, not a change.
        const d = Math.max(...[0, 1, 2].map((c) => Math.abs((x[i + c] ?? 0) - (y[i + c] ?? 0))));
        if (d > 4) n++;
      }
      return n;
    }, urls);
  }

  async function operator() {
    const op = new Operator(`${relay.url.replace('http', 'ws')}/v1/operator?site=acme`, host);
    operators.push(op);
    await op.opened();
    op.send({ t: 'auth', v: 1, key: KEY });
    await op.next('ready');
    return op;
  }

  const openPanel = async (p: Page) => {
    await p.locator('conduit-chat button.l').click();
    await p.locator('conduit-chat [role=dialog] h2', { hasText: 'Acme' }).waitFor();
  };

  beforeAll(async () => {
    widgetDir = mkdtempSync(join(tmpdir(), 'conduit-widget-'));
    await buildScriptTag(widgetDir);
    hostServer = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      let body = page();
      if (path === '/hostile') {
        body = page({
          head: HOSTILE_CSS,
          body: '<div class="war"></div><div id="conduit-chat">decoy</div>',
        });
      } else if (path === '/csp') {
        const ws = relay.url.replace('http', 'ws');
        headers['content-security-policy'] =
          `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'self'; connect-src ${ws}`;
        body = page({ nonce: true });
      } else if (path !== '/plain') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, headers).end(body);
    });
    await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
    const dispatcher = acceptingDispatcher();
    relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        transport: 'ws',
        session: { graceMs: 30_000 },
        sites: [
          {
            id: 'acme',
            name: 'Acme',
            origins: [host],
            operators: [{ id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) }],
            widget: { greeting: 'Hi! How can we help?' },
          },
        ],
      },
      { dispatcher, logger: createLogger('silent'), assets: { widgetDir } },
    );
    expect(new URL(relay.url).origin).not.toBe(host);
    chrome = await launchChromium();
  }, 60_000);

  // Each test starts with nobody online and no open pages.
  afterEach(async () => {
    await Promise.all(operators.map((op) => op.close()));
    operators = [];
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await chrome?.close();
    await relay?.close();
    await new Promise((resolve) => hostServer?.close(resolve));
    if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
  });

  it('sets no cookie, stores nothing, loads no app and opens no WebSocket before the first click', async () => {
    const { page: p, context, sockets, localeRequests, appRequests, errors } = await open('/plain');
    await p.waitForLoadState('load');
    expect(sockets).toEqual([]);
    // The facade alone: the chat (app.js) waits for the visitor's intent.
    expect(appRequests).toEqual([]);
    // An English visitor: English is built in, no language file is requested.
    expect(localeRequests).toEqual([]);
    expect(await launcherLabel(p)).toBe('Open chat');
    expect(await context.cookies()).toEqual([]);
    expect(
      await p.evaluate(() => [document.cookie, sessionStorage.length, localStorage.length]),
    ).toEqual(['', 0, 0]);
    await openPanel(p);
    expect(sockets).toEqual([`${relay.url.replace('http', 'ws')}/v1/visitor?site=acme`]);
    // The resume token, and the flag that reopens the panel on the next page of this chat.
    expect(await p.evaluate(() => Object.keys(sessionStorage).sort())).toEqual([
      'conduit:acme',
      'conduit:acme:o',
    ]);
    expect(await p.evaluate(() => [document.cookie, localStorage.length])).toEqual(['', 0]);
    expect(await context.cookies()).toEqual([]);
    expect(appRequests).toEqual([`${relay.url}/widget/app.js`]);
    expect(errors).toEqual([]);
  });

  it('preloads the app when the pointer rests on the launcher, without opening or connecting', async () => {
    const { page: p, sockets, appRequests } = await open('/plain');
    const launcher = p.locator('conduit-chat button.l');
    await launcher.hover();
    await p.waitForFunction(() => {
      const b = document.querySelector('conduit-chat')?.shadowRoot?.querySelector('button.l');
      return b && !b.hasAttribute('aria-busy');
    });
    expect(appRequests).toEqual([`${relay.url}/widget/app.js`]);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await p.locator('conduit-chat [role=dialog]').count()).toBe(0);
    expect(sockets).toEqual([]);
    expect(await p.evaluate(() => sessionStorage.length)).toBe(0);
    // The click then opens at once with the app already there.
    await openPanel(p);
    expect(appRequests).toHaveLength(1);
  });

  it('draws the same launcher before and after app.js takes it over', async () => {
    const { page: p, appRequests } = await open('/plain');
    const clip = { x: 1280 - 100, y: 800 - 100, width: 100, height: 100 };
    const facade = await p.screenshot({ clip, animations: 'disabled' });
    expect(appRequests).toEqual([]);
    await p.locator('conduit-chat button.l').hover();
    await p.mouse.move(0, 0);
    await p.waitForFunction(() => {
      const b = document.querySelector('conduit-chat')?.shadowRoot?.querySelector('button.l');
      return b && !b.hasAttribute('aria-busy');
    });
    expect(appRequests).toHaveLength(1);
    const app = await p.screenshot({ clip, animations: 'disabled' });
    expect(await pixelDiff(facade, app)).toBe(0);
  });

  it('does not lose a keyboard press made while app.js is still on its way', async () => {
    await operator(); // someone online: the chat view
    const { page: p, appRequests, errors } = await open('/plain');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await p.route('**/widget/app.js', async (route) => {
      await held;
      await route.continue();
    });
    // Focus is intent: the request starts, and is held back.
    await p.locator('conduit-chat button.l').focus();
    await p.keyboard.press('Enter');
    await p.waitForFunction(() =>
      document.querySelector('conduit-chat')?.shadowRoot?.querySelector('button.l[aria-busy]'),
    );
    expect(appRequests).toHaveLength(1);
    expect(await p.locator('conduit-chat [role=dialog]').count()).toBe(0);
    release();
    await p.locator('conduit-chat [role=dialog] h2', { hasText: 'Acme' }).waitFor();
    await p.locator('conduit-chat textarea').waitFor();
    expect(
      await p.evaluate(
        () => document.querySelector('conduit-chat')?.shadowRoot?.activeElement?.tagName,
      ),
    ).toBe('TEXTAREA');
    expect(appRequests).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('says so on the launcher when app.js cannot load (404), throws nothing, and retries on the next click', async () => {
    const { page: p, appRequests, errors } = await open('/plain');
    await p.route('**/widget/app.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
    const events = p.evaluate(
      () =>
        new Promise((resolve) =>
          (window as unknown as { Conduit: (...a: unknown[]) => void }).Conduit(
            'on',
            'error',
            resolve,
          ),
        ),
    );
    const launcher = p.locator('conduit-chat button.l');
    await launcher.click();
    expect(await events).toEqual({ code: 'load_failed', message: 'app.js did not load' });
    await p
      .locator('conduit-chat button.l[aria-label="Open chat (could not load, try again)"]')
      .waitFor();
    expect(await launcher.getAttribute('title')).toBe('Open chat (could not load, try again)');
    expect(await p.locator('conduit-chat [role=dialog]').count()).toBe(0);
    // The transient script element is gone again.
    expect(
      await p.evaluate(() => document.querySelectorAll('script[src*="/widget/"]').length),
    ).toBe(0);
    await p.unroute('**/widget/app.js');
    await openPanel(p);
    expect(await launcher.getAttribute('aria-label')).toBe('Close');
    expect(appRequests).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('F2: chats with an operator, resumes with history after a reload, and ends the chat', async () => {
    const op = await operator();
    const { page: p } = await open('/plain');
    await openPanel(p);
    await p.locator('conduit-chat [role=dialog]', { hasText: 'Online' }).waitFor();
    const box = p.locator('conduit-chat textarea');
    await box.fill('Hello from Chromium');
    await box.press('Enter');
    await p.locator('conduit-chat .i.v', { hasText: 'Delivered' }).waitFor();
    const msg = await op.next('msg', (f) => f.text === 'Hello from Chromium');
    expect(msg.from).toBe('visitor');
    op.send({ t: 'accept', session: msg.session as string });
    op.send({
      t: 'msg',
      session: msg.session as string,
      id: 'op-1',
      text: 'Hi, Ada here. See https://acme.example/faq',
    });
    const reply = p.locator('conduit-chat .i:not(.v)', { hasText: 'Ada here' });
    await reply.waitFor();
    expect(await reply.locator('bdi').first().textContent()).toBe('Ada');
    expect(await reply.locator('a').getAttribute('rel')).toBe('noopener noreferrer');

    // The panel was open: after the reload it opens again by itself, with the history (the
    // facade sees this tab's chat and loads the app at once, without a click).
    await p.reload();
    await p.locator('conduit-chat [role=dialog] h2', { hasText: 'Acme' }).waitFor();
    await p.locator('conduit-chat .i', { hasText: 'Ada here' }).waitFor();
    const texts = await p.locator('conduit-chat .m > .i').allTextContents();
    expect(texts.filter((t) => t.includes('Hello from Chromium'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Ada here'))).toHaveLength(1);

    await p.locator('conduit-chat .tb button', { hasText: 'End chat' }).click();
    await p.locator('conduit-chat [role=alertdialog] button', { hasText: 'End chat' }).click();
    await p.locator('conduit-chat [role=status]', { hasText: 'Chat ended.' }).waitFor();
    expect((await op.next('gone', (f) => f.session === msg.session)).reason).toBe('visitor');
    expect(await p.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('16: shows the offline form while the only operator is away, and the chat once they are back', async () => {
    const op = await operator();
    op.send({ t: 'status', away: true });
    await op.next('operators', (f) => JSON.stringify(f.operators).includes('away'));
    const { page: p } = await open('/plain');
    await openPanel(p);
    await p.locator('conduit-chat form.f').waitFor();
    // Back online: the open panel turns into the chat without a reload.
    op.send({ t: 'status', away: false });
    await p.locator('conduit-chat form.f').waitFor({ state: 'detached' });
    await p.locator('conduit-chat [role=dialog]', { hasText: 'Online' }).waitFor();
  });

  it('B21: renders the same on a page with hostile CSS as on a plain page', async () => {
    await operator(); // someone online: the chat view
    const shots: Buffer[] = [];
    for (const path of ['/plain', '/hostile']) {
      const { page: p } = await open(path);
      await openPanel(p);
      await p.locator('conduit-chat .m', { hasText: 'Hi! How can we help?' }).waitFor();
      const clip = { x: 1280 - 420, y: 800 - 720, width: 420, height: 720 };
      shots.push(await p.screenshot({ clip, caret: 'hide', animations: 'disabled' }));
      await p.close();
    }
    const differing = await pixelDiff(shots[0] as Buffer, shots[1] as Buffer);
    if (differing) {
      writeFileSync(join(tmpdir(), 'conduit-plain.png'), shots[0] as Buffer);
      writeFileSync(join(tmpdir(), 'conduit-hostile.png'), shots[1] as Buffer);
    }
    expect(differing).toBe(0);
  });

  it('B20: works under a strict CSP with zero securitypolicyviolation events', async () => {
    const op = await operator();
    const { page: p } = await open('/csp');
    const csp: string[] = [];
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await openPanel(p);
    const box = p.locator('conduit-chat textarea');
    await box.fill('Strict CSP here');
    await box.press('Enter');
    await p.locator('conduit-chat .i.v', { hasText: 'Delivered' }).waitFor();
    await op.next('msg', (f) => f.text === 'Strict CSP here');
    expect(
      await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    ).toEqual([]);
    expect(csp).toEqual([]);
    // "Download transcript" is a file made in the page (a blob: URL), allowed by the same CSP.
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.locator('conduit-chat .tb button', { hasText: 'Transcript' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chat-transcript.txt');
    const file = readFileSync((await download.path()) as string, 'utf8');
    expect(file).toMatch(/^Acme — /);
    expect(file).toMatch(/\] You: Strict CSP here\n/);
    expect(
      await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    ).toEqual([]);
    // The detector itself works: an inline style attribute set by the page is reported.
    const caught = await p.evaluate(async () => {
      const seen = new Promise((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective)),
      );
      document.body.setAttribute('style', 'color: red');
      return seen;
    });
    expect(caught).toMatch(/^style-src/);
  });

  it('speaks German to a de-DE browser once its language file has loaded, with one transient script', async () => {
    const { page: p, localeRequests } = await open('/plain', undefined, 'de-DE');
    await p.locator('conduit-chat button.l[aria-label="Chat öffnen"]').waitFor();
    expect(localeRequests).toEqual([`${relay.url}/widget/locales/de.js`]);
    // The script element is gone again: the page holds only the widget's own element.
    await p.waitForFunction(() => !document.querySelector('script[src*="/locales/"]'));
    await openPanel(p);
    await p.locator('conduit-chat [role=dialog] button[aria-label="Chat minimieren"]').waitFor();
    await p.locator('conduit-chat form.f', { hasText: 'Wir sind nicht da.' }).waitFor();
  });

  it('B20: a German visitor under the strict nonce CSP gets German with zero violations', async () => {
    await operator();
    const { page: p, localeRequests } = await open('/csp', undefined, 'de-DE');
    await p.locator('conduit-chat button.l[aria-label="Chat öffnen"]').waitFor();
    expect(localeRequests).toEqual([`${relay.url}/widget/locales/de.js`]);
    await openPanel(p);
    await p.locator('conduit-chat textarea[aria-label="Nachricht"]').waitFor();
    expect(
      await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    ).toEqual([]);
  });

  it('has no axe-core violations: closed, offline form with errors, and a conversation', async () => {
    const { page: p } = await open('/plain');
    expect(await axeViolations(p)).toEqual([]);
    // Nobody online: the offline form, submitted empty to show its errors.
    await openPanel(p);
    await p.locator('conduit-chat form.f').waitFor();
    await p.locator('conduit-chat form.f button.pb').click();
    await p.locator('conduit-chat .e').first().waitFor();
    expect(await axeViolations(p)).toEqual([]);
    // An operator online: the conversation, with a message from each side.
    const op = await operator();
    const chat = await open('/plain');
    await openPanel(chat.page);
    const box = chat.page.locator('conduit-chat textarea');
    await box.fill('Is this accessible?');
    await box.press('Enter');
    const msg = await op.next('msg', (f) => f.text === 'Is this accessible?');
    op.send({
      t: 'msg',
      session: msg.session as string,
      id: 'op-3',
      text: 'Yes: https://acme.example/a11y',
    });
    await chat.page.locator('conduit-chat .i', { hasText: 'Yes:' }).waitFor();
    expect(await axeViolations(chat.page)).toEqual([]);
  });

  it('keeps keyboard focus in order: Escape closes the panel and returns focus to the launcher', async () => {
    await operator(); // someone online: the chat view
    const { page: p } = await open('/plain');
    await p.locator('conduit-chat button.l').focus();
    await p.keyboard.press('Enter');
    await p.locator('conduit-chat [role=dialog]').waitFor();
    expect(
      await p.evaluate(
        () => document.querySelector('conduit-chat')?.shadowRoot?.activeElement?.tagName,
      ),
    ).toBe('TEXTAREA');
    await p.keyboard.press('Escape');
    await p.locator('conduit-chat [role=dialog]').waitFor({ state: 'detached' });
    expect(
      await p.evaluate(
        () => document.querySelector('conduit-chat')?.shadowRoot?.activeElement?.className,
      ),
    ).toBe('l');
  });

  it('fills a phone screen (390×844) and saves the README screenshots', async () => {
    if (SAVE) mkdirSync(SHOTS, { recursive: true });
    const op = await operator();
    const desk = await open('/plain');
    await desk.page.screenshot(shot('closed.png'));
    await openPanel(desk.page);
    const box = desk.page.locator('conduit-chat textarea');
    await box.fill('Do you ship to Norway?');
    await box.press('Enter');
    const msg = await op.next('msg', (f) => f.text === 'Do you ship to Norway?');
    op.send({ t: 'accept', session: msg.session as string });
    op.send({
      t: 'msg',
      session: msg.session as string,
      id: 'op-2',
      text: 'We do! Delivery takes 3–5 days.',
    });
    await desk.page.locator('conduit-chat .i', { hasText: 'We do!' }).waitFor();
    await desk.page.screenshot(shot('open.png'));

    const phone = await open('/plain', { width: 390, height: 844 });
    await openPanel(phone.page);
    const panel = await phone.page.locator('conduit-chat .p').boundingBox();
    expect(panel).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect((await phone.page.screenshot(shot('mobile.png'))).length).toBeGreaterThan(1000);
  });
});
