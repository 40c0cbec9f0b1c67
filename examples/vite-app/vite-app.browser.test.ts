import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, loadConfigFile, type Relay, startRelay } from '@conduit-chat/relay';
import { LOCALES } from '@conduit-chat/widget';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test-support/chromium.js';
import { ensureBuilt } from '../test-built.js';
import { connectOperator, type TestOperator } from '../test-operator.js';
import { type StaticServer, serveStatic } from '../test-static-server.js';

// examples/vite-app as its developer ships it: `vite build` (through Vite's build() API, with
// the app's own index.html and no extra config) against the widget's published ESM build, the
// output served from its own origin, the app's header reacting to the chat's typed events.

const app = fileURLToPath(new URL('.', import.meta.url));
const DEV_KEY = 'ck_examples_local_dev_only_not_a_secret';

describe('examples/vite-app', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'conduit-vite-app-'));
  let relay: Relay;
  let site: StaticServer;
  let chrome: Browser;
  let operator: TestOperator | undefined;

  beforeAll(async () => {
    ensureBuilt('widget', 'dist/index.js');
    site = await serveStatic(outDir);
    const dev = loadConfigFile(join(app, '../dev-relay.json'), {});
    relay = await startRelay(
      { ...dev, dev: false, port: 0, sites: [{ ...dev.sites[0]!, origins: [site.origin] }] },
      { logger: createLogger('silent') },
    );
    // The relay's address goes in as VITE_CONDUIT_RELAY would; the mode is production.
    await build({
      root: app,
      logLevel: 'silent',
      define: { 'import.meta.env.VITE_CONDUIT_RELAY': JSON.stringify(relay.url) },
      build: { outDir, emptyOutDir: true },
    });
    chrome = await launchChromium();
  });

  afterAll(async () => {
    operator?.close();
    await chrome?.close();
    await relay?.close();
    await site?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('builds one page with one script that bundles the widget and no zod', () => {
    const assets = readdirSync(join(outDir, 'assets'));
    // Besides the page's script, one chunk per language but English, imported on demand (#15).
    const languages = LOCALES.slice(1).map((code) => `${code}-`);
    const isLanguage = (f: string) => languages.some((prefix) => f.startsWith(prefix));
    const scripts = assets.filter((f) => f.endsWith('.js') && !isLanguage(f));
    expect(scripts).toHaveLength(1);
    expect(assets.filter(isLanguage)).toHaveLength(LOCALES.length - 1);
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" crossorigin src="/assets/${scripts[0]}">`);
    expect(html.match(/<script/g)).toHaveLength(1);
    const js = readFileSync(join(outDir, 'assets', scripts[0]!), 'utf8');
    expect(js).toContain('conduit-chat');
    expect(js).toContain(relay.url);
    expect(js).not.toMatch(/\bzod\b|ZodError/);
  });

  it('mounts the widget and shows status and unread replies in the app header', async () => {
    const context = await chrome.newContext({ viewport: { width: 1100, height: 760 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.origin}/#/notes`);
    await page.locator('conduit-chat [part=launcher]').waitFor();
    expect(await page.locator('conduit-chat').count()).toBe(1);
    expect(relay.stats().connections.visitor).toBe(0);

    // The header's Support button toggles the chat; `status` fills the header's status line.
    operator = await connectOperator(relay.url, 'example', DEV_KEY, site.origin);
    await page.getByRole('button', { name: 'Support' }).click();
    await page.locator('#support-status', { hasText: 'Support online: Dev Operator' }).waitFor();
    const input = page.locator('conduit-chat [part=panel]').getByRole('textbox');
    await input.fill('How do I export my notes?');
    await input.press('Enter');
    const msg = await operator.next('msg', (f) => f.from === 'visitor');
    const session = msg.session as string;
    const alex = await operator.next('visitor', (f) => {
      const v = f.visitor as { session: string; name?: string };
      return v.session === session && v.name === 'Alex Doe';
    });
    expect(alex.visitor).toMatchObject({ custom: { plan: 'team' } });

    // A route change in the app reaches the operator through setPage().
    await page.getByRole('link', { name: 'Billing' }).click();
    await operator.next('visitor', (f) => {
      const v = f.visitor as { session: string; page: { title: string; url: string } };
      return v.session === session && v.page.title === 'Billing — Acme Notes';
    });

    // Replies while the chat is closed count up in the app's own badge; opening clears it.
    await page.getByRole('button', { name: 'Support' }).click();
    await page.locator('conduit-chat [part=panel]').waitFor({ state: 'detached' });
    operator.send({ t: 'accept', session });
    operator.send({ t: 'msg', session, id: 'op-1', text: 'Settings → Export.' });
    operator.send({ t: 'msg', session, id: 'op-2', text: 'It makes a zip of Markdown files.' });
    await page.locator('#unread', { hasText: '2' }).waitFor();
    await page.locator('#support-status', { hasText: 'New reply from Dev Operator' }).waitFor();
    await page.getByRole('button', { name: /Support/ }).click();
    await page.locator('#unread').waitFor({ state: 'hidden' });
    await page.locator('conduit-chat [part=panel]').getByText('Markdown files').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
