import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, hashOperatorKey, type Relay, startRelay } from '@conduit-chat/relay';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptingDispatcher } from '../../../test-support/accepting-dispatcher.js';
import { axeViolations } from '../../../test-support/axe.js';
import { launchChromium } from '../../../test-support/chromium.js';
import { buildScriptTag } from '../vite.config.js';

// Issue #15 "Languages and direction" in Chromium: the script-tag widget, freshly built and
// served by the real relay, on a host page of another origin; an operator socket answers.

const KEY = 'ck_widget_locales_ada_0123456789abcdef';

type Frame = Record<string, unknown> & { t: string };

/** Connects an operator of site `acme`; returns a function waiting for a frame of type `t`. */
async function operator(url: string, origin: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/operator?site=acme`, { origin });
  const frames: Frame[] = [];
  let wake = () => {};
  ws.on('message', (d) => {
    frames.push(JSON.parse(String(d)) as Frame);
    wake();
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const send = (f: Frame) => ws.send(JSON.stringify(f));
  const next = async (t: string, match: (f: Frame) => boolean = () => true) => {
    for (;;) {
      const i = frames.findIndex((f) => f.t === t && match(f));
      if (i >= 0) return frames.splice(i, 1)[0] as Frame;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  send({ t: 'auth', v: 1, key: KEY });
  await next('ready');
  const close = () =>
    new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) resolve();
      ws.once('close', () => resolve());
      ws.close();
    });
  return { send, next, close };
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not laid out');
  return { left: b.x, right: b.x + b.width, top: b.y, width: b.width };
}

describe('widget languages in Chromium (script tag, real relay)', () => {
  let relay: Relay;
  let hostServer: Server;
  let host = '';
  let chrome: Browser;
  let dir = '';
  const contexts: BrowserContext[] = [];
  const closers: (() => Promise<void>)[] = [];

  // The script tag with extra data-* attributes (the query string of the page's URL).
  const page = (attrs: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title></head><body><main><h1>Acme</h1></main><script src="${relay.url}/widget.js" data-site="acme" ${attrs} async></script></body></html>`;

  async function open(attrs: string, locale: string) {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 }, locale });
    contexts.push(context);
    const p = await context.newPage();
    const localeRequests: string[] = [];
    const errors: string[] = [];
    p.on('request', (r) => {
      if (r.url().includes('/locales/')) localeRequests.push(r.url());
    });
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${host}/?${new URLSearchParams({ attrs })}`);
    await p.locator('conduit-chat button.l').waitFor();
    return { page: p, localeRequests, errors };
  }

  const online = async () => {
    const op = await operator(relay.url, host);
    closers.push(op.close);
    return op;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conduit-locales-browser-'));
    await buildScriptTag(join(dir, 'widget'));
    hostServer = createServer((req, res) => {
      const attrs = new URL(req.url ?? '/', 'http://x').searchParams.get('attrs') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(attrs));
    });
    await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
    const dispatcher = acceptingDispatcher();
    relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        transport: 'ws',
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
      { dispatcher, logger: createLogger('silent'), assets: { widgetDir: join(dir, 'widget') } },
    );
    chrome = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await chrome?.close();
    await relay?.close();
    await new Promise((resolve) => hostServer?.close(resolve));
    // CONDUIT_KEEP_TMP=1 keeps the built widget and the screenshots (rtl-ar.png, ja.png) to look at.
    if (dir && process.env.CONDUIT_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
  });

  it('15: lays out Arabic right to left: dir=rtl on the panel, launcher, composer and bubbles mirrored', async () => {
    const op = await online();
    const { page: p, localeRequests, errors } = await open('', 'ar-EG');
    const launcher = p.locator('conduit-chat button.l');
    await p.waitForFunction(
      () =>
        document
          .querySelector('conduit-chat')
          ?.shadowRoot?.querySelector('button.l')
          ?.getAttribute('aria-label') === 'فتح المحادثة',
    );
    expect(localeRequests).toEqual([`${relay.url}/widget/locales/ar.js`]);
    // The launcher sits in the bottom-left corner, the convention for right-to-left pages.
    expect((await box(launcher)).left).toBeLessThan(100);
    await launcher.click();
    const panel = p.locator('conduit-chat [role=dialog]');
    await panel.locator('p', { hasText: 'متصل' }).waitFor();
    expect([await panel.getAttribute('lang'), await panel.getAttribute('dir')]).toEqual([
      'ar',
      'rtl',
    ]);

    const textarea = p.locator('conduit-chat textarea');
    await textarea.fill('مرحبًا، أحتاج إلى مساعدة في الطلب 1234');
    await textarea.press('Enter');
    await p.locator('conduit-chat .i.v', { hasText: 'تم التسليم' }).waitFor();
    const msg = await op.next('msg', (f) => f.from === 'visitor');
    op.send({ t: 'accept', session: msg.session as string });
    op.send({
      t: 'msg',
      session: msg.session as string,
      id: 'op-1',
      text: 'أهلًا! انظر https://acme.example/faq?id=7 من فضلك.',
    });
    const reply = p.locator('conduit-chat .i:not(.v):not(.s)', { hasText: 'أهلًا' });
    await reply.waitFor();

    const list = await box(p.locator('conduit-chat .m'));
    const mine = await box(p.locator('conduit-chat .i.v'));
    const theirs = await box(reply);
    // The operator's bubble starts at the right, the visitor's own at the left (mirrored).
    expect(list.right - theirs.right).toBeLessThan(20);
    expect(mine.left - list.left).toBeLessThan(20);
    expect(theirs.right).toBeGreaterThan(mine.right);
    // Composer: the text box first from the right, the send button at its left.
    const send = await box(p.locator('conduit-chat .c button'));
    expect(send.right).toBeLessThanOrEqual((await box(textarea)).left);
    // Header: the title at the right, the close button at the left.
    const title = await box(p.locator('conduit-chat [role=dialog] h2'));
    const close = await box(p.locator('conduit-chat .h button'));
    expect(close.right).toBeLessThan(title.left);
    // Text reads right to left; the URL stays one left-to-right run inside it.
    const styles = await p.evaluate(() => {
      const root = document.querySelector('conduit-chat')?.shadowRoot;
      const css = (q: string) => getComputedStyle(root?.querySelector(q) as Element);
      return {
        bubble: [css('.i.v').direction, css('.i.v').unicodeBidi],
        link: [css('.i a').direction, css('.i a').unicodeBidi],
        // Each paragraph typed takes its own direction; the empty box's placeholder stays RTL.
        box: [css('textarea').direction, css('textarea').unicodeBidi],
      };
    });
    expect(styles).toEqual({
      bubble: ['rtl', 'plaintext'],
      link: ['ltr', 'isolate'],
      box: ['rtl', 'plaintext'],
    });
    expect(await reply.locator('a').textContent()).toBe('https://acme.example/faq?id=7');

    const shot = join(dir, 'rtl-ar.png');
    await p.screenshot({ path: shot });
    console.log(`15: Arabic screenshot: ${shot}`);
    expect(await axeViolations(p)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('15: speaks Japanese to a ja-JP browser, left to right, with lang=ja on the panel', async () => {
    await online();
    const { page: p, localeRequests, errors } = await open('', 'ja-JP');
    await p.waitForFunction(
      () =>
        document
          .querySelector('conduit-chat')
          ?.shadowRoot?.querySelector('button.l')
          ?.getAttribute('aria-label') === 'チャットを開く',
    );
    expect(localeRequests).toEqual([`${relay.url}/widget/locales/ja.js`]);
    const launcher = p.locator('conduit-chat button.l');
    expect((await box(launcher)).right).toBeGreaterThan(1180);
    await launcher.click();
    const panel = p.locator('conduit-chat [role=dialog]');
    await panel.locator('p', { hasText: 'オンライン' }).waitFor();
    expect([await panel.getAttribute('lang'), await panel.getAttribute('dir')]).toEqual([
      'ja',
      'ltr',
    ]);
    expect(await p.locator('conduit-chat .c button').textContent()).toBe('送信');
    expect(await p.locator('conduit-chat textarea').getAttribute('placeholder')).toBe(
      'メッセージ…',
    );
    const send = await box(p.locator('conduit-chat .c button'));
    expect(send.left).toBeGreaterThanOrEqual((await box(p.locator('conduit-chat textarea'))).right);
    await p.screenshot({ path: join(dir, 'ja.png') });
    expect(await axeViolations(p)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('15: takes the greeting and any text per language from data-text-* attributes', async () => {
    await online();
    const attrs = [
      'data-text-greeting="Hello from Acme"',
      'data-text-open="Talk to us"',
      'data-text-de-greeting="Hallo von Acme!"',
      'data-text-de-open="Schreiben Sie uns"',
      'data-text-de-send="Los"',
    ].join(' ');
    const label = (p: Page, text: string) =>
      p.waitForFunction(
        (want) =>
          document
            .querySelector('conduit-chat')
            ?.shadowRoot?.querySelector('button.l')
            ?.getAttribute('aria-label') === want,
        text,
      );

    // German: the German overrides, on the facade's launcher already, then in the panel.
    const de = (await open(attrs, 'de-DE')).page;
    await label(de, 'Schreiben Sie uns');
    await de.locator('conduit-chat button.l').click();
    await de.locator('conduit-chat .m .i', { hasText: 'Hallo von Acme!' }).waitFor();
    expect(await de.locator('conduit-chat .c button').textContent()).toBe('Los');
    // Not overridden: the German table.
    expect(await de.locator('conduit-chat textarea').getAttribute('placeholder')).toBe(
      'Nachricht…',
    );
    expect(await de.locator('conduit-chat .m').textContent()).not.toContain('Hi! How can we help?');
    await de.locator('conduit-chat .h button').click();
    await label(de, 'Schreiben Sie uns');

    // English on the same page: the every-language overrides instead.
    const en = (await open(attrs, 'en-US')).page;
    await label(en, 'Talk to us');
    await en.locator('conduit-chat button.l').click();
    await en.locator('conduit-chat .m .i', { hasText: 'Hello from Acme' }).waitFor();
    expect(await en.locator('conduit-chat .c button').textContent()).toBe('Send');
  });
});
