import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startTestRelay, TRANSPORTS } from './test-relay.js';

/** Headers of every widget script the relay serves (widget.js, app.js, language files). */
const SCRIPT_HEADERS = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'public, max-age=86400',
  vary: 'Accept-Encoding',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with the path sent exactly as given (no URL normalisation of `..` or `%2e`). */
function get(base: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(base);
  return new Promise<Reply>((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const DE = `document.dispatchEvent(new CustomEvent("conduit:locale",{detail:{"code":"de","strings":{"open":"Chat \\u00f6ffnen"}}}));\n`;
const PT_BR = DE.replace('"de"', '"pt-BR"');
const APP = `(function(){document.dispatchEvent(new CustomEvent("conduit:app",{detail:{v:1}}))})();${'/* chat */'.repeat(50)}\n`;

describe.each(TRANSPORTS)(
  'relay /widget/app.js and /widget/locales/<code>.js (%s)',
  (transport) => {
    let dir = '';
    const cleanups: Array<() => Promise<unknown>> = [];
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'conduit-locales-'));
      mkdirSync(join(dir, 'widget', 'locales'), { recursive: true });
      writeFileSync(join(dir, 'widget', 'widget.js'), '(function(){})();');
      writeFileSync(join(dir, 'widget', 'app.js'), APP);
      writeFileSync(join(dir, 'widget', 'locales', 'de.js'), DE);
      writeFileSync(join(dir, 'widget', 'locales', 'pt-BR.js'), PT_BR);
      // Present on disk, but not a language name: never served.
      writeFileSync(join(dir, 'widget', 'locales', 'evil.js'), 'alert(1)');
      writeFileSync(join(dir, 'widget', 'locales', 'de.d.ts'), 'export {}');
      writeFileSync(join(dir, 'widget', 'secret.js'), 'top secret');
    });
    afterAll(() => rmSync(dir, { recursive: true }));
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });
    async function start() {
      const t = await startTestRelay(transport, {}, { assets: { widgetDir: join(dir, 'widget') } });
      cleanups.push(() => t.relay.close());
      return t.relay.url;
    }

    it('serves a language file precompressed (br, gzip) with the widget’s cache and an ETag', async () => {
      const url = await start();
      const plain = await get(url, '/widget/locales/de.js');
      expect(plain.status).toBe(200);
      expect(String(plain.body)).toBe(DE);
      expect(plain.headers).toMatchObject(SCRIPT_HEADERS);
      const etag = String(plain.headers.etag);
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const gz = await get(url, '/widget/locales/de.js', { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(String(gunzipSync(gz.body))).toBe(DE);
      const br = await get(url, '/widget/locales/de.js', { 'accept-encoding': 'gzip, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(String(brotliDecompressSync(br.body))).toBe(DE);
      const cached = await get(url, '/widget/locales/de.js', { 'if-none-match': etag });
      expect([cached.status, cached.body.length]).toEqual([304, 0]);
      const region = await get(url, '/widget/locales/pt-BR.js');
      expect([region.status, String(region.body)]).toEqual([200, PT_BR]);
    });

    it('serves the app file /widget/app.js like the language files (br, gzip, cache, ETag)', async () => {
      const url = await start();
      const plain = await get(url, '/widget/app.js');
      expect([plain.status, String(plain.body)]).toEqual([200, APP]);
      expect(plain.headers).toMatchObject(SCRIPT_HEADERS);
      const etag = String(plain.headers.etag);
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(etag).not.toBe(String((await get(url, '/widget/locales/de.js')).headers.etag));
      const br = await get(url, '/widget/app.js', { 'accept-encoding': 'br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(String(brotliDecompressSync(br.body))).toBe(APP);
      expect(br.body.length).toBeLessThan(APP.length);
      const gz = await get(url, '/widget/app.js', { 'accept-encoding': 'gzip' });
      expect(String(gunzipSync(gz.body))).toBe(APP);
      const cached = await get(url, '/widget/app.js', { 'if-none-match': etag });
      expect([cached.status, cached.body.length]).toEqual([304, 0]);
    });

    it('answers 404 for /widget/app.js when the app is not built', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'conduit-noapp-'));
      writeFileSync(join(empty, 'widget.js'), '(function(){})();');
      try {
        const t = await startTestRelay(transport, {}, { assets: { widgetDir: empty } });
        cleanups.push(() => t.relay.close());
        expect((await get(t.relay.url, '/widget.js')).status).toBe(200);
        expect((await get(t.relay.url, '/widget/app.js')).status).toBe(404);
        expect((await get(t.relay.url, '/widget/app.js.map')).status).toBe(404);
      } finally {
        rmSync(empty, { recursive: true });
      }
    });

    it('B22: answers 404 for a language not on disk, a name outside xx(-YY), and path traversal', async () => {
      const url = await start();
      for (const path of [
        '/widget/locales/fr.js',
        '/widget/locales/evil.js',
        '/widget/locales/DE.js',
        '/widget/locales/de-br.js',
        '/widget/locales/de.d.ts',
        '/widget/locales/de.js.map',
        '/widget/locales/../secret.js',
        '/widget/locales/..%2fsecret.js',
        '/widget/locales/%2e%2e/secret.js',
        '/widget/locales/de.js/../../secret.js',
        '/widget/secret.js',
      ]) {
        const reply = await get(url, path);
        expect(reply.status, path).toBe(404);
        expect(String(reply.body), path).not.toMatch(/secret|alert|export/);
      }
    });
  },
);
