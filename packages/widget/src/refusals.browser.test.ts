import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, hashOperatorKey, type Relay, startRelay } from '@conduit-chat/relay';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptingDispatcher } from '../../../test-support/accepting-dispatcher.js';
import { launchChromium } from '../../../test-support/chromium.js';
import { buildScriptTag } from '../vite.config.js';

// Issue #12, items 2 and 7, in Chromium against the real relay: a visitor who types faster
// than the relay's (lowered) rate limit loses nothing and sees nothing reordered; a page on
// an origin the site does not list is told "Chat unavailable" and stops knocking.

const KEY = 'ck_widget_refusals_ada_0123456789abcdef';

type Frame = Record<string, unknown> & { t: string };

/**
 * Starts a server for the host page; resolves with its origin. With `csp`, the page allows
 * scripts and connections only from the relay, named by its http(s) URL as the widget README
 * advises: its ws(s) URL for the socket and its http(s) URL for the origin check (Chromium
 * matches neither for the other).
 */
async function hostPage(
  relayUrl: () => string,
  csp = false,
): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    if (csp) {
      headers['content-security-policy'] =
        `default-src 'none'; script-src ${relayUrl()}; style-src 'self'; connect-src ${relayUrl().replace('http', 'ws')} ${relayUrl()}`;
    }
    res
      .writeHead(200, headers)
      .end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><script src="${relayUrl()}/widget.js" data-site="acme" async></script></body></html>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('widget refusals in Chromium (script tag, real relay)', () => {
  let relay: Relay;
  let allowed: { server: Server; origin: string };
  let foreign: { server: Server; origin: string };
  let chrome: Browser;
  let widgetDir = '';
  const contexts: BrowserContext[] = [];
  const sockets: WebSocket[] = [];

  async function open(origin: string): Promise<Page> {
    const context = await chrome.newContext({ locale: 'en-US' });
    contexts.push(context);
    const p = await context.newPage();
    await p.goto(`${origin}/`);
    await p.locator('conduit-chat button.l').waitFor();
    return p;
  }

  beforeAll(async () => {
    widgetDir = mkdtempSync(join(tmpdir(), 'conduit-refusals-'));
    await buildScriptTag(widgetDir);
    allowed = await hostPage(() => relay.url);
    foreign = await hostPage(() => relay.url, true);
    const dispatcher = acceptingDispatcher();
    relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        transport: 'ws',
        // Low limits keep the fast typist's test to a few seconds.
        limits: { rate: 8, burst: 10, typingRate: 2, typingBurst: 2 },
        sites: [
          {
            id: 'acme',
            name: 'Acme',
            origins: [allowed.origin],
            operators: [{ id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) }],
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
    for (const h of [allowed, foreign]) await new Promise((r) => h?.server.close(r));
    if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
  });

  it('12.2: a visitor typing fast gets every message to the operator once, in order, none left "Sending…"', async () => {
    const op = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/operator?site=acme`, {
      origin: allowed.origin,
    });
    sockets.push(op);
    const msgs: string[] = [];
    op.on('message', (d) => {
      const f = JSON.parse(String(d)) as Frame;
      if (f.t === 'msg' && f.from === 'visitor') msgs.push(String(f.text));
    });
    await new Promise((r) => op.once('open', r));
    op.send(JSON.stringify({ t: 'auth', v: 1, key: KEY }));
    const p = await open(allowed.origin);
    await p.locator('conduit-chat button.l').click();
    await p.locator('conduit-chat [role=dialog]', { hasText: 'Online' }).waitFor();
    const box = p.locator('conduit-chat textarea');
    const texts = Array.from({ length: 60 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    // Typed key by key (each keystroke is an input event: typing frames), sent with Enter,
    // the next one 50–150 ms later: about 10 messages a second against a rate of 8.
    for (const [i, text] of texts.entries()) {
      await box.pressSequentially(text);
      await box.press('Enter');
      await p.waitForTimeout(50 + ((i * 37) % 100));
    }
    const delivered = p.locator('conduit-chat .i.v', { hasText: 'Delivered' });
    await expect.poll(() => delivered.count(), { timeout: 30_000 }).toBe(texts.length);
    expect(await p.locator('conduit-chat .i.v', { hasText: 'Sending' }).count()).toBe(0);
    expect(await p.locator('conduit-chat .i.v', { hasText: 'Not sent' }).count()).toBe(0);
    await expect.poll(() => msgs.length).toBe(texts.length);
    expect(msgs).toEqual(texts);
    // The page shows each once, in the order typed.
    const shown = await p
      .locator('conduit-chat .i.v')
      .evaluateAll((els) => els.map((e) => /m\d{3}/.exec(e.textContent ?? '')?.[0]));
    expect(shown).toEqual(texts);
  }, 60_000);

  // The foreign page has a strict CSP naming only the relay (see `hostPage`).
  it('12.7: a page on an origin not in the config shows "Chat unavailable", emits origin_refused and stops retrying', async () => {
    const counter = 'conduit_origin_rejections_total{role="visitor"}';
    const rejections = async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(counter));
      return line ? Number(line.slice(counter.length).trim()) : 0;
    };
    const before = await rejections();
    const p = await open(foreign.origin);
    const event = p.evaluate(
      () =>
        new Promise((resolve) =>
          (window as unknown as { Conduit: (...a: unknown[]) => void }).Conduit(
            'on',
            'error',
            resolve,
          ),
        ),
    );
    await p.locator('conduit-chat button.l').click();
    expect(await event).toEqual({ code: 'origin_refused', message: 'origin_refused' });
    await p.locator('conduit-chat [role=status]', { hasText: 'Chat unavailable.' }).waitFor();
    const attempts = (await rejections()) - before;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2);
    // Past several backoff steps (0.5 s, 1 s, 2 s…): no further upgrade was tried.
    await p.waitForTimeout(2500);
    expect((await rejections()) - before).toBe(attempts);
    expect(await p.locator('conduit-chat [role=status]').textContent()).toContain(
      'Chat unavailable.',
    );
    // No retry button: retrying cannot help.
    expect(await p.locator('conduit-chat [role=status] button').count()).toBe(0);
  }, 30_000);
});
