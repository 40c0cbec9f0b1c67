import { fileURLToPath } from 'node:url';
import { createLogger, loadConfigFile, type Relay, startRelay } from '@conduit-chat/relay';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test-support/chromium.js';
import { ensureBuilt } from '../test-built.js';
import { connectOperator, type TestOperator } from '../test-operator.js';
import { type StaticServer, serveStatic } from '../test-static-server.js';

// examples/script-tag/index.html as a site owner deploys it: served from its own origin, the tag
// pointing at the relay, the command queue filled before the script loads. The relay runs the
// examples' dev config (examples/dev-relay.json) with the page's test origin allowed.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DEV_KEY = 'ck_examples_local_dev_only_not_a_secret';

describe('examples/script-tag', () => {
  let relay: Relay;
  let site: StaticServer;
  let chrome: Browser;
  let operator: TestOperator | undefined;

  beforeAll(async () => {
    ensureBuilt('widget', 'dist/app.js');
    // The relay's port is known only after it listens; the page is rewritten to point at it.
    let relayUrl = '';
    site = await serveStatic(here('.'), (html) =>
      html.replaceAll('http://localhost:8080', relayUrl),
    );
    const dev = loadConfigFile(here('../dev-relay.json'), {});
    const example = dev.sites[0]!;
    relay = await startRelay(
      { ...dev, dev: false, port: 0, sites: [{ ...example, origins: [site.origin] }] },
      { logger: createLogger('silent') },
    );
    relayUrl = relay.url;
    chrome = await launchChromium();
  });

  afterAll(async () => {
    operator?.close();
    await chrome?.close();
    await relay?.close();
    await site?.close();
  });

  it('loads the tag with its data-* options and replays the queued commands', async () => {
    const context = await chrome.newContext({ viewport: { width: 1000, height: 760 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.origin}/`);

    // `on('ready')` was queued before the script loaded: it ran, and nothing connected.
    await page.getByText('The chat is ready: nothing has connected yet.').waitFor();
    expect(relay.stats().connections.visitor).toBe(0);

    // data-position="left" and data-color="#0f766e" reached the launcher.
    const launcher = page.locator('conduit-chat [part=launcher]');
    const box = await launcher.boundingBox();
    expect(box!.x).toBeLessThan(100);
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(15, 118, 110)',
    );

    // The page's own button opens the chat through `Conduit('open')`; data-prechat="off" goes
    // straight to the composer. The queued `identify` reaches the operator with the visitor.
    operator = await connectOperator(relay.url, 'example', DEV_KEY, site.origin);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByText('Connected: an operator is online.').waitFor();
    const input = page.locator('conduit-chat [part=panel]').getByRole('textbox');
    await input.fill('Hello from the script-tag example');
    await input.press('Enter');
    const msg = await operator.next('msg', (f) => f.from === 'visitor');
    expect(msg.text).toBe('Hello from the script-tag example');
    const named = await operator.next('visitor', (f) => {
      const v = f.visitor as { session: string; name?: string };
      return v.session === msg.session && v.name === 'Sam Example';
    });
    expect(named.visitor).toMatchObject({ email: 'sam@example.com', custom: { plan: 'pro' } });

    // A reply while the panel is closed shows in the page's own unread counter (queued `on`).
    await page.keyboard.press('Escape');
    await page.locator('conduit-chat [part=panel]').waitFor({ state: 'detached' });
    operator.send({ t: 'accept', session: msg.session as string });
    operator.send({ t: 'msg', session: msg.session as string, id: 'op-reply-1', text: 'Hi Sam!' });
    await page.getByText('1 unread').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
