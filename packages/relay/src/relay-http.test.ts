import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ORIGIN,
  OTHER_ORIGIN,
  operator,
  startTestRelay,
  TRANSPORTS,
  visitor,
} from './test-relay.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const WIDGET = `(function(){/* widget */${'console.log("conduit");'.repeat(200)}})();`;

describe.each(TRANSPORTS)('relay HTTP (%s)', (transport) => {
  let dir = '';
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conduit-assets-'));
    mkdirSync(join(dir, 'widget'));
    writeFileSync(join(dir, 'widget', 'widget.js'), WIDGET);
    mkdirSync(join(dir, 'console', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'console', 'index.html'), '<!doctype html><title>Console</title>');
    writeFileSync(join(dir, 'console', 'assets', 'app-Abc12345.js'), 'export {}');
    writeFileSync(join(dir, 'secret.txt'), 'top secret');
    mkdirSync(join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true }));
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function start(extra = {}, built = true) {
    const assets = built
      ? { widgetDir: join(dir, 'widget'), consoleDir: join(dir, 'console') }
      : { widgetDir: join(dir, 'empty'), consoleDir: join(dir, 'empty') };
    const t = await startTestRelay(transport, extra, { assets });
    cleanups.push(() => t.relay.close());
    return t;
  }

  it('answers /healthz and /metrics with sessions, connections, routing and the transport', async () => {
    const { relay, visitorUrl, operatorUrl } = await start();
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    v.client.send({ t: 'msg', id: 'a', text: 'hello' });
    await v.client.next('ack');
    v.client.send('not json');
    await v.client.next('error');
    const health = await http(`${relay.url}/healthz`);
    expect([health.status, JSON.parse(String(health.body))]).toEqual([
      200,
      { status: 'ok', transport, sessions: 1 },
    ]);
    const metrics = await http(`${relay.url}/metrics`);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = String(metrics.body);
    for (const line of [
      'conduit_sessions 1',
      'conduit_connections{role="visitor"} 1',
      'conduit_connections{role="operator"} 1',
      'conduit_messages_routed_total{from="visitor"} 1',
      'conduit_frames_rejected_total{code="bad_json"} 1',
      'conduit_mail_queue{state="pending"} 0',
      `conduit_transport_info{transport="${transport}"} 1`,
    ]) {
      expect(text).toContain(line);
    }
    expect((await http(`${relay.url}/nope`)).status).toBe(404);
    expect((await http(`${relay.url}/v1/visitor?site=acme`)).status).toBe(426);
  });

  it('serves /widget.js precompressed (br, gzip) with a long cache and an ETag', async () => {
    const { relay } = await start();
    const plain = await http(`${relay.url}/widget.js`);
    expect(plain.status).toBe(200);
    expect(String(plain.body)).toBe(WIDGET);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=86400');
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const etag = String(plain.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const gz = await http(`${relay.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(String(gunzipSync(gz.body))).toBe(WIDGET);
    expect(gz.body.length).toBeLessThan(WIDGET.length / 4);
    const br = await http(`${relay.url}/widget.js`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(brotliDecompressSync(br.body))).toBe(WIDGET);
    const cached = await http(`${relay.url}/widget.js`, { headers: { 'if-none-match': etag } });
    expect([cached.status, cached.body.length]).toEqual([304, 0]);
  });

  it('serves the console with its security headers and refuses path traversal (B22)', async () => {
    const { relay } = await start();
    expect((await http(`${relay.url}/console`)).headers.location).toBe('/console/');
    const index = await http(`${relay.url}/console/`);
    expect(index.status).toBe(200);
    expect(String(index.body)).toContain('<title>Console</title>');
    expect(index.headers).toMatchObject({
      'content-security-policy': "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-type': 'text/html; charset=utf-8',
    });
    const asset = await http(`${relay.url}/console/assets/app-Abc12345.js`);
    expect([asset.status, asset.headers['cache-control']]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);
    for (const path of [
      '/console/..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/..%5csecret.txt',
    ]) {
      const res = await http(`${relay.url}${path}`);
      expect(res.status).toBe(404);
      expect(String(res.body)).not.toContain('top secret');
    }
    expect((await http(`${relay.url}/demo/`)).status).toBe(404);
  });

  it('says how to build the widget and the console when they are not built', async () => {
    const { relay } = await start({}, false);
    const widget = await http(`${relay.url}/widget.js`);
    expect([widget.status, String(widget.body)]).toEqual([
      404,
      'widget not built: run npm run build -w @conduit-chat/widget',
    ]);
    const consoleRes = await http(`${relay.url}/console/`);
    expect([consoleRes.status, String(consoleRes.body)]).toEqual([
      404,
      'console not built: run npm run build -w @conduit-chat/console',
    ]);
    expect(consoleRes.headers['x-frame-options']).toBe('DENY');
  });

  it('takes offline messages over POST with CORS for the site’s own origins only', async () => {
    const { relay, dispatcher } = await start();
    const url = `${relay.url}/v1/offline?site=acme`;
    const preflight = await http(url, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    const foreign = await http(url, { method: 'OPTIONS', headers: { origin: OTHER_ORIGIN } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const body = JSON.stringify({
      name: 'Vera',
      email: 'vera@example.com',
      text: 'Please call me',
      page: { url: 'https://acme.example/contact', title: 'Contact' },
    });
    const headers = { origin: ORIGIN, 'content-type': 'application/json' };
    const ok = await http(url, { method: 'POST', headers, body });
    expect([ok.status, JSON.parse(String(ok.body))]).toEqual([202, { status: 'queued' }]);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(dispatcher.jobs).toHaveLength(1);
    expect(dispatcher.jobs[0]).toMatchObject({
      kind: 'offline',
      to: ['support@acme.example'],
      name: 'Vera',
      email: 'vera@example.com',
      text: 'Please call me',
      page: { url: 'https://acme.example/contact', title: 'Contact' },
    });
    const bad = await http(url, { method: 'POST', headers, body: '{"name":' });
    expect([bad.status, JSON.parse(String(bad.body)).code]).toEqual([400, 'bad_json']);
    const invalid = await http(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'x', email: '"x@evil y"@acme.example', text: 'hi' }),
    });
    expect([invalid.status, JSON.parse(String(invalid.body)).code]).toEqual([400, 'invalid_frame']);
    const big = await http(url, { method: 'POST', headers, body: 'x'.repeat(40_000) });
    expect(big.status).toBe(413);
    const noRecipients = await http(`${relay.url}/v1/offline?site=other`, {
      method: 'POST',
      headers: { ...headers, origin: OTHER_ORIGIN },
      body,
    });
    expect([noRecipients.status, JSON.parse(String(noRecipients.body)).code]).toEqual([
      422,
      'no_recipients',
    ]);
    expect(dispatcher.jobs).toHaveLength(1);
    // Per-address limit: the bucket (5) is spent by now.
    let last = 0;
    for (let i = 0; i < 5; i++) last = (await http(url, { method: 'POST', headers, body })).status;
    expect(last).toBe(429);
  });
});
