import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, hashOperatorKey, type Relay, startRelay } from '@conduit-chat/relay';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptingDispatcher } from '../../../test-support/accepting-dispatcher.js';
import { axeViolations } from '../../../test-support/axe.js';
import { launchChromium } from '../../../test-support/chromium.js';
import { selfSignedCertificate } from '../../../test-support/tls.js';
import { buildScriptTag } from '../vite.config.js';

// Issue #15 (dark mode, logo, mobile, integration, names) in Chromium against the real relay:
// the script-tag widget on host pages of another origin, an operator socket driven by the test.

const KEY = 'ck_widget_ux_ada_0123456789abcdef';
// A 1×1 PNG: the team's logo, served over https from 127.0.0.1.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

type Frame = Record<string, unknown> & { t: string };

/** Evaluates `fn` on the widget's shadow root. */
const inWidget = <T>(p: Page, fn: (root: ShadowRoot) => T) =>
  p.evaluate((source) => {
    const root = document.querySelector('conduit-chat')?.shadowRoot as ShadowRoot;
    return new Function('root', `return (${source})(root)`)(root);
  }, fn.toString()) as Promise<T>;

describe('widget UX in Chromium (issue #15, script tag, real relay)', () => {
  let relay: Relay;
  let hostServer: Server;
  let logoServer: HttpsServer;
  let host = '';
  let logo = '';
  let chrome: Browser;
  let widgetDir = '';
  const contexts: BrowserContext[] = [];
  const sockets: WebSocket[] = [];
  // Host pages by path: body HTML and response headers.
  const pages = new Map<string, { html: string; headers?: Record<string, string> }>();

  /** Registers a host page at `path` with the widget's script tag (`attrs` added to it). */
  function serve(
    path: string,
    opts: { attrs?: string; head?: string; body?: string; site?: string; csp?: string } = {},
  ) {
    const tag = `<script src="${relay.url}/widget.js" data-site="${opts.site ?? 'acme'}" ${opts.attrs ?? ''} async></script>`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover"><title>Acme shop</title>${opts.head ?? ''}</head><body><main><h1>Acme shop</h1>${opts.body ?? ''}</main>${tag}</body></html>`;
    pages.set(path, {
      html,
      ...(opts.csp && { headers: { 'content-security-policy': opts.csp } }),
    });
    return `${host}${path}`;
  }

  async function open(url: string, options: BrowserContextOptions = {}, launcher = true) {
    const context = await chrome.newContext({ locale: 'en-US', ...options });
    contexts.push(context);
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(url);
    if (launcher) await p.locator('conduit-chat button.l').waitFor();
    return { page: p, errors };
  }

  async function operator(site = 'acme') {
    const op = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/operator?site=${site}`, {
      origin: host,
    });
    sockets.push(op);
    const frames: Frame[] = [];
    let wake = () => {};
    op.on('message', (d) => {
      frames.push(JSON.parse(String(d)) as Frame);
      wake();
    });
    await new Promise((resolve) => op.once('open', resolve));
    const next = async (t: string) => {
      for (;;) {
        const i = frames.findIndex((f) => f.t === t);
        if (i >= 0) return frames.splice(i, 1)[0] as Frame;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };
    op.send(JSON.stringify({ t: 'auth', v: 1, key: KEY }));
    await next('ready');
    return { send: (f: Frame) => op.send(JSON.stringify(f)), next };
  }

  const openPanel = async (p: Page) => {
    await p.locator('conduit-chat button.l').click();
    await p.locator('conduit-chat [role=dialog]').waitFor();
  };

  const panelBackground = (p: Page) =>
    inWidget(p, (root) => getComputedStyle(root.querySelector('.p') as Element).backgroundColor);

  beforeAll(async () => {
    widgetDir = mkdtempSync(join(tmpdir(), 'conduit-ux-'));
    await buildScriptTag(widgetDir);
    hostServer = createServer((req, res) => {
      const found = pages.get((req.url ?? '/').split('?')[0] ?? '/');
      if (!found) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...found.headers })
        .end(found.html);
    });
    await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
    logoServer = createHttpsServer(selfSignedCertificate(), (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
    logo = `https://127.0.0.1:${(logoServer.address() as AddressInfo).port}/team.png`;
    const dispatcher = acceptingDispatcher();
    const operators = [{ id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) }];
    relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        transport: 'ws',
        sites: [
          { id: 'acme', name: 'Acme', origins: [host], operators },
          // A site that sets the dark theme and its team's logo in the relay config.
          {
            id: 'dusk',
            name: 'Dusk',
            origins: [host],
            operators,
            widget: { theme: 'dark', logo },
          },
        ],
      },
      { dispatcher, logger: createLogger('silent'), assets: { widgetDir } },
    );
    chrome = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close();
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await chrome?.close();
    await relay?.close();
    await new Promise((resolve) => hostServer?.close(resolve));
    await new Promise((resolve) => logoServer?.close(resolve));
    if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
  });

  it('15: follows prefers-color-scheme (dark, then light live), and data-theme overrides it; axe is clean dark', async () => {
    const { page: p } = await open(serve('/auto'), { colorScheme: 'dark' });
    await openPanel(p);
    expect(await panelBackground(p)).toBe('rgb(28, 29, 33)');
    expect(await axeViolations(p)).toEqual([]);
    await p.emulateMedia({ colorScheme: 'light' });
    await p.waitForFunction(
      () =>
        getComputedStyle(
          document.querySelector('conduit-chat')?.shadowRoot?.querySelector('.p') as Element,
        ).backgroundColor === 'rgb(255, 255, 255)',
    );

    const forced = await open(serve('/light', { attrs: 'data-theme="light"' }), {
      colorScheme: 'dark',
    });
    await openPanel(forced.page);
    expect(await panelBackground(forced.page)).toBe('rgb(255, 255, 255)');
  });

  it('15: the site config sets the dark theme and the team logo (https, an img with alt); axe is clean', async () => {
    await operator('dusk');
    const { page: p } = await open(serve('/dusk', { site: 'dusk' }), {
      colorScheme: 'light',
      ignoreHTTPSErrors: true,
    });
    await openPanel(p);
    const img = p.locator('conduit-chat .h img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toBe(logo);
    expect(await img.getAttribute('alt')).toBe('');
    expect(await img.getAttribute('referrerpolicy')).toBe('no-referrer');
    await p.waitForFunction(() => {
      const i = document.querySelector('conduit-chat')?.shadowRoot?.querySelector('.h img');
      return (i as HTMLImageElement | null)?.naturalWidth === 1;
    });
    expect(await panelBackground(p)).toBe('rgb(28, 29, 33)');
    expect(await axeViolations(p)).toEqual([]);

    // A page's own data-theme wins over the site's; a logo that is not https: is not shown.
    const own = await open(
      serve('/dusk-light', {
        site: 'dusk',
        attrs: 'data-theme="light" data-logo="http://x.example/a.png"',
      }),
    );
    await openPanel(own.page);
    expect(await panelBackground(own.page)).toBe('rgb(255, 255, 255)');
    const plain = await open(serve('/http-logo', { attrs: 'data-logo="http://x.example/a.png"' }));
    await openPanel(plain.page);
    expect(await plain.page.locator('conduit-chat .h img').count()).toBe(0);
  });

  it('15: at 390×844 inputs are 16 px, touch targets 44 px, the page behind does not scroll, the panel follows the visual viewport', async () => {
    await operator();
    const url = serve('/mobile', { body: '<p style="height:3000px">Tall page.</p>' });
    const { page: p } = await open(url, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await openPanel(p);
    await p.locator('conduit-chat textarea').waitFor();
    // Safe-area insets, as on a phone with a notch and a home bar.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets: { top: 47, bottom: 34 } });
    const look = await inWidget(p, (root) => {
      const panel = root.querySelector('.p') as HTMLElement;
      const box = panel.getBoundingClientRect();
      return {
        font: getComputedStyle(root.querySelector('textarea') as Element).fontSize,
        small: [...root.querySelectorAll('button')]
          .filter((b) => b.getClientRects().length)
          .map((b) => b.getBoundingClientRect())
          .filter((r) => r.width < 44 || r.height < 44).length,
        box: [box.top, box.bottom, box.left, box.right],
        padding: [getComputedStyle(panel).paddingTop, getComputedStyle(panel).paddingBottom],
      };
    });
    expect(look.font).toBe('16px');
    expect(look.small).toBe(0);
    expect(look.box).toEqual([0, 844, 0, 390]);
    expect(look.padding).toEqual(['47px', '34px']);
    expect(await axeViolations(p)).toEqual([]);

    // The wheel over the panel's header does not scroll the page behind.
    await p.mouse.move(100, 80);
    await p.mouse.wheel(0, 600);
    await p.waitForTimeout(100);
    expect(await p.evaluate(() => window.scrollY)).toBe(0);

    // The keyboard opens: the visible area shrinks to 500 px, and the panel's bottom follows.
    await p.setViewportSize({ width: 390, height: 500 });
    await p.waitForFunction(() => {
      const panel = document.querySelector('conduit-chat')?.shadowRoot?.querySelector('.p');
      const vv = window.visualViewport as VisualViewport;
      return panel && Math.round(panel.getBoundingClientRect().bottom) === vv.offsetTop + vv.height;
    });
    const box = await p.locator('conduit-chat textarea').boundingBox();
    expect((box?.y ?? 900) + (box?.height ?? 0)).toBeLessThanOrEqual(500);

    // The visible area moves down the page (iOS scrolls the visual viewport when the keyboard
    // opens; a pinch does the same here): the panel covers exactly what is visible.
    await p.setViewportSize({ width: 390, height: 844 });
    await cdp.send('Input.synthesizePinchGesture', {
      x: 195,
      y: 800,
      scaleFactor: 2,
      relativeSpeed: 3000,
    });
    await p.waitForFunction(() => {
      const panel = document.querySelector('conduit-chat')?.shadowRoot?.querySelector('.p');
      const vv = window.visualViewport as VisualViewport;
      const box = panel?.getBoundingClientRect();
      return (
        box &&
        vv.offsetTop > 0 &&
        Math.abs(box.top - vv.offsetTop) < 1 &&
        Math.abs(box.bottom - (vv.offsetTop + vv.height)) < 1
      );
    });

    // Closed again, the page scrolls.
    await p.keyboard.press('Escape');
    await p.locator('conduit-chat [role=dialog]').waitFor({ state: 'detached' });
    await p.mouse.wheel(0, 600);
    await p.waitForFunction(() => window.scrollY > 0);
  });

  it('15: hideLauncher draws no launcher; the page’s own button opens the chat and gets focus back', async () => {
    const url = serve('/own-button', {
      attrs: 'data-hidelauncher="true"',
      body: '<button id="help" type="button">Help</button><script>document.getElementById("help").addEventListener("click",()=>Conduit("open"))</script>',
      head: '<script>window.Conduit=window.Conduit||function(){(Conduit.q=Conduit.q||[]).push(arguments)}</script>',
    });
    const { page: p, errors } = await open(url, {}, false);
    await p.waitForFunction(() => document.querySelector('conduit-chat'));
    expect(await p.locator('conduit-chat button.l').count()).toBe(0);
    await p.locator('#help').click();
    await p.locator('conduit-chat [role=dialog]').waitFor();
    expect(await p.locator('conduit-chat button.l').count()).toBe(0);
    expect(await axeViolations(p)).toEqual([]);
    await p.keyboard.press('Escape');
    await p.locator('conduit-chat [role=dialog]').waitFor({ state: 'detached' });
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('help');
    expect(errors).toEqual([]);
  });

  it('15: the message event fires for the visitor’s own messages too', async () => {
    const op = await operator();
    const url = serve('/events', {
      head: '<script>window.seen=[];window.Conduit=function(){(Conduit.q=Conduit.q||[]).push(arguments)};Conduit("on","message",(m)=>seen.push(m.from+":"+m.text+":"+(m.seq>0)))</script>',
    });
    const { page: p } = await open(url);
    await openPanel(p);
    await p.locator('conduit-chat textarea').fill('hello there');
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => (window as unknown as { seen: string[] }).seen.length === 1);
    const mine = await op.next('msg');
    op.send({ t: 'accept', session: mine.session as string });
    op.send({ t: 'msg', session: mine.session as string, id: 'op-1', text: 'hi!' });
    await p.waitForFunction(() => (window as unknown as { seen: string[] }).seen.length === 2);
    expect(await p.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'visitor:hello there:true',
      'operator:hi!:true',
    ]);
  });

  it('15: works with Trusted Types enforced (app and language file load, chat runs): zero violations', async () => {
    await operator();
    const url = serve('/trusted-types', {
      csp: "require-trusted-types-for 'script'; trusted-types conduit",
    });
    const context = await chrome.newContext({ locale: 'de-DE' });
    contexts.push(context);
    const p = await context.newPage();
    await p.addInitScript(() => {
      const list: string[] = [];
      (window as unknown as { violations: string[] }).violations = list;
      document.addEventListener('securitypolicyviolation', (e) =>
        list.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await p.goto(url);
    const launcher = p.locator('conduit-chat button.l');
    await p.waitForFunction(() =>
      document
        .querySelector('conduit-chat')
        ?.shadowRoot?.querySelector('button.l[aria-label="Chat öffnen"]'),
    );
    await launcher.click();
    await p.locator('conduit-chat textarea').fill('Hallo');
    await p.keyboard.press('Enter');
    await p.locator('conduit-chat .i.v', { hasText: 'Hallo' }).waitFor();
    expect(
      await p.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([]);
  });

  it('15: the two closing buttons have distinct names, and the sound toggle shows its state', async () => {
    await operator();
    const { page: p } = await open(serve('/names'));
    await openPanel(p);
    await p.locator('conduit-chat textarea').fill('hello');
    await p.keyboard.press('Enter');
    const sound = p.locator('conduit-chat .tb button[aria-pressed]');
    await sound.waitFor();
    const names = await inWidget(p, (root) =>
      [...root.querySelectorAll('button')].map(
        (b) => b.getAttribute('aria-label') ?? b.textContent?.trim(),
      ),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['Minimize chat', 'Close']));
    expect(await sound.getAttribute('aria-pressed')).toBe('true');
    await sound.click();
    expect(await sound.getAttribute('aria-pressed')).toBe('false');
    // Muted shows without a screen reader too: the label is struck through.
    expect(await sound.evaluate((b) => getComputedStyle(b).textDecorationLine)).toContain(
      'line-through',
    );
    expect(await axeViolations(p)).toEqual([]);
  });
});
