import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test-support/chromium.js';

// `npm run dev` as a contributor runs it: scripts/dev.mjs starts the demo relay and the root
// vite.config.ts in front of it; the demo's widget and the console come from source.

const root = fileURLToPath(new URL('..', import.meta.url));

/** A port nothing listens on right now (the OS picks it; the dev script binds it next). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const gitStatus = () => execFileSync('git', ['status', '--porcelain'], { cwd: root }).toString();

describe('npm run dev', () => {
  let dev: ChildProcess | undefined;
  let chrome: Browser | undefined;

  afterAll(async () => {
    await chrome?.close();
    // On a failure: the whole group (the dev script and its relay), so nothing outlives the test.
    if (dev?.pid && dev.exitCode === null && dev.signalCode === null) {
      process.kill(-dev.pid, 'SIGKILL');
    }
  });

  it('18: serves the demo and the console from source, chats through the proxied relay, and stops cleanly', async () => {
    const before = gitStatus();
    const [port, relayPort] = [await freePort(), await freePort()];
    dev = spawn(
      process.execPath,
      ['scripts/dev.mjs', '--port', String(port), '--relay-port', String(relayPort)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let output = '';
    dev.stdout?.on('data', (chunk) => (output += chunk));
    dev.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => dev?.once('exit', resolve));
    // The relay prints its key; the dev script prints its address once Vite listens.
    await expect
      .poll(() => /Operator key: +(\S+)/.test(output) && output.includes('dev server at'), {
        timeout: 45_000,
        interval: 100,
      })
      .toBe(true);
    const operatorKey = /Operator key: +(\S+)/.exec(output)![1]!;
    const base = `http://127.0.0.1:${port}`;
    expect(output).toContain(`Demo page:     ${base}/demo/`);

    chrome = await launchChromium();
    const context = await chrome.newContext();
    const problems: string[] = [];
    const requests: string[] = [];
    context.on('request', (r) => requests.push(new URL(r.url()).pathname));
    context.on('weberror', (e) => problems.push(e.error().message));

    // The operator signs in to the console, served from packages/console/src.
    const operator = await context.newPage();
    await operator.goto(`${base}/console/`);
    await operator.fill('input[name=site]', 'demo');
    await operator.fill('input[name=key]', operatorKey);
    await operator.click('button[type=submit]');
    await operator.waitForSelector('.topbar');

    // The visitor opens the demo shop: the widget from packages/widget/src, its socket through
    // the dev server's proxy, accepted for the dev server's origin.
    const visitor = await context.newPage();
    const sockets: string[] = [];
    visitor.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    await visitor.goto(`${base}/demo/`);
    const widget = visitor.locator('conduit-chat');
    await widget.locator('[part=launcher]').click();
    const panel = widget.locator('[part=panel]');
    await panel.getByLabel(/name/i).fill('Dev Visitor');
    await panel.getByRole('button', { name: 'Start' }).click();
    const box = panel.getByRole('textbox', { name: /message/i });
    await box.fill('Hello from the dev server');
    await box.press('Enter');

    const waiting = operator.locator('.queue li', { hasText: 'Dev Visitor' });
    await waiting.getByRole('button', { name: 'Accept' }).click();
    await operator
      .locator('.chat .msg.visitor', { hasText: 'Hello from the dev server' })
      .waitFor();
    await operator.locator('.composer textarea').fill('Hot reloaded hello');
    await operator.locator('.composer textarea').press('Enter');
    await panel.getByText('Hot reloaded hello').waitFor();

    expect(requests).toContain('/packages/widget/src/app.ts');
    expect(requests.some((p) => p.startsWith('/packages/console/src/'))).toBe(true);
    // Nothing from the packages' builds (what `npm start` serves).
    expect(
      requests.filter(
        (p) => p.startsWith('/widget/app.js') || /^\/packages\/[^/]+\/dist\//.test(p),
      ),
    ).toEqual([]);
    expect(sockets).toContain('/v1/visitor');
    expect((await (await fetch(`${base}/healthz`)).json()).status).toBe('ok');
    expect(problems).toEqual([]);
    await context.close();

    // SIGTERM (as a supervisor, or Ctrl-C) stops Vite and the relay; neither port stays open.
    dev.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await listening(port)).toBe(false);
    expect(await listening(relayPort)).toBe(false);
    expect(gitStatus()).toBe(before);
  });
});
