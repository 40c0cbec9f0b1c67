import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

describe('chromium harness', () => {
  let server: Server;
  let base: string;
  let chrome: Browser;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><title>smoke</title><p id="p">served from 127.0.0.1</p>' +
          '<script>document.getElementById("p").dataset.ran = String(1 + 1)</script>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    chrome = await launchChromium();
  });

  afterAll(async () => {
    await chrome?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('opens a page served on 127.0.0.1 and reads it back, scripts run', async () => {
    const page = await chrome.newPage();
    await page.goto(base);
    expect(await page.title()).toBe('smoke');
    expect(await page.textContent('#p')).toBe('served from 127.0.0.1');
    expect(await page.getAttribute('#p', 'data-ran')).toBe('2');
    await page.close();
  });
});
