import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  hashOperatorKey,
  type Relay,
  type RelayConfigInput,
  startRelay,
} from '@conduit-chat/relay';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptingDispatcher } from '../../../test-support/accepting-dispatcher.js';
import { launchChromium } from '../../../test-support/chromium.js';
import { buildScriptTag } from '../../widget/vite.config.js';

// Issue #15 in Chromium against the real relay: host pages call identify() with a hash their
// "server" (this test) made with the site's secret; the console badges only the right one,
// and a site that requires verified identities makes the widget report `identity_refused`.

const KEY = 'ck_operatorPageidentity_ada_0123456789abcdef';
const SECRET = 'console-identity-secret-7c1d9e2f4a6b8c0d';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const sign = (id: string, secret = SECRET) => createHmac('sha256', secret).update(id).digest('hex');

/** A demo page whose server signed `id` (with `hash`) before the widget loads. */
const hostPage = (title: string, identity: Record<string, string>) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><script>window.Conduit=function(){(Conduit.q=Conduit.q||[]).push(arguments)};` +
  `window.errs=[];Conduit('on','error',function(e){errs.push(e.code)});` +
  `Conduit('identify',${JSON.stringify(identity)});</script>` +
  '<script src="/widget.js" data-site="demo" data-connect="on-load" data-consent="granted" async></script></body></html>';

describe('15: identity verification in Chromium (widget, relay, console)', () => {
  let relay: Relay;
  let chrome: Browser;
  let dir = '';
  let config: RelayConfigInput;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await build({ configFile: here('../vite.config.ts'), logLevel: 'silent' });
    dir = mkdtempSync(join(tmpdir(), 'conduit-identity-'));
    const widgetDir = join(dir, 'widget');
    const demoDir = join(dir, 'demo');
    await buildScriptTag(widgetDir);
    mkdirSync(demoDir);
    // The relay serves demo pages only from a directory with an index.
    const pages: Record<string, string> = {
      'index.html': hostPage('Home', {}),
      'verified.html': hostPage('Account', {
        id: 'user-42',
        name: 'Vera Verified',
        hash: sign('user-42'),
      }),
      'forged.html': hostPage('Account', {
        id: 'user-42',
        name: 'Frank Forged',
        hash: sign('user-7'),
      }),
      'refused.html': hostPage('Account', {
        id: 'user-9',
        name: 'Rita Refused',
        hash: sign('user-9', `${SECRET}!`),
      }),
    };
    for (const [file, html] of Object.entries(pages)) writeFileSync(join(demoDir, file), html);
    const dispatcher = acceptingDispatcher();
    config = {
      host: '127.0.0.1',
      port: 0,
      transport: 'ws',
      // Demo mode lets the relay's own address be an origin of site `demo`.
      demo: true,
      session: { graceMs: 60_000 },
      sites: [
        {
          id: 'demo',
          name: 'Demo Shop',
          origins: ['https://shop.example'],
          operators: [{ id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) }],
          connect: 'on-load',
          identity: { secret: SECRET },
        },
      ],
    };
    relay = await startRelay(config, {
      dispatcher,
      logger: createLogger('silent'),
      assets: { widgetDir, demoDir },
    });
    chrome = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await chrome?.close();
    await relay?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function visit(file: string): Promise<Page> {
    const context = await chrome.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${relay.url}/demo/${file}`);
    return page;
  }

  /** axe-core's violations on `page` (its context bypasses CSP so axe can be injected). */
  async function audit(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: here('../../../node_modules/axe-core/axe.min.js') });
    return page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (c: Document) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
          };
        }
      ).axe;
      const r = await axe.run(document);
      return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
  }

  let operatorPage: Page;

  it('15: the console badges the visitor whose hash matches, and not the one with a wrong hash', async () => {
    const context = await chrome.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    contexts.push(context);
    operatorPage = await context.newPage();
    await operatorPage.goto(`${relay.url}/console/`);
    await operatorPage.fill('input[name=site]', 'demo');
    await operatorPage.fill('input[name=key]', KEY);
    await operatorPage.click('button[type=submit]');
    await visit('verified.html');
    await visit('forged.html');
    const vera = operatorPage.locator('tr', { hasText: 'Vera Verified' });
    const frank = operatorPage.locator('tr', { hasText: 'Frank Forged' });
    await vera.locator('.verified').waitFor();
    await frank.waitFor();
    expect(await vera.locator('td').first().textContent()).toContain('Verified');
    // The badge's text is words with the verified id, not a colour or a tick alone.
    expect(
      await vera.locator('.verified').evaluate((el) => el.textContent?.replace(/\s+/g, ' ')),
    ).toBe('✓ Verified user id user-42');
    expect(await frank.locator('.verified').count()).toBe(0);
    expect(await frank.textContent()).not.toContain('Verified');
    expect(await audit(operatorPage)).toEqual([]);
  });

  it('15: a site that requires verified identities makes the widget report identity_refused', async () => {
    relay.reload({
      ...config,
      port: relay.port,
      sites: (config.sites ?? []).map((s) => ({
        ...s,
        identity: { secret: SECRET, required: true },
      })),
    });
    const page = await visit('refused.html');
    await page.waitForFunction(() => (window as unknown as { errs: string[] }).errs.length > 0);
    expect(await page.evaluate(() => (window as unknown as { errs: string[] }).errs)).toEqual([
      'identity_refused',
    ]);
    // The console got the (anonymous) visitor, never the refused name.
    await operatorPage.locator('tbody tr').nth(2).waitFor();
    expect(await operatorPage.locator('tbody').textContent()).not.toContain('Rita');
  });
});
