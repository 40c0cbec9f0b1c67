import { describe, expect, it } from 'vitest';
import { seaFiles } from './asset-files.js';
import type { SeaAssets } from './sea.js';
import { createStaticAssets } from './static-assets.js';
import type { HttpRequest } from './transport/transport.js';

// The single-file binary serves the widget, console and demo from its SEA assets. A stand-in
// for `node:sea` holding a few named assets shows what a request can and cannot reach.

function fakeSea(files: Record<string, string>): SeaAssets & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    isSea: () => true,
    getRawAsset(key) {
      asked.push(key);
      const text = files[key];
      if (text === undefined) throw new Error(`no asset ${key}`);
      return new TextEncoder().encode(text).buffer as ArrayBuffer;
    },
  };
}

const sea = fakeSea({
  'country.mmdb': 'secret-ish',
  'uws.node': 'native',
  'widget/widget.js': 'widget();',
  'widget/app.js': 'app();',
  'widget/locales/de.js': 'de();',
  'console/index.html': '<title>Conduit console</title>',
  'console/assets/index-AbCdEfGh.js': 'console();',
  'demo/index.html': '<title>demo</title>',
});

function get(path: string): HttpRequest {
  return { method: 'get', path, query: '', headers: {}, remote: '127.0.0.1' };
}

async function body(reply: unknown): Promise<{ status: number; text: string }> {
  const r = (await reply) as { status: number; body?: string | Uint8Array };
  return { status: r.status, text: r.body ? Buffer.from(r.body).toString() : '' };
}

describe('seaFiles', () => {
  it('13: reads assets under its prefix and nothing outside it', () => {
    const files = seaFiles(sea, 'console');
    expect(files.readSync('index.html')?.toString()).toContain('Conduit console');
    expect(files.readSync('assets/../index.html')?.toString()).toContain('Conduit console');
    expect(files.readSync('assets/index-AbCdEfGh.js')?.toString()).toBe('console();');
    for (const outside of ['../country.mmdb', '..%2fuws.node', '%2e%2e/country.mmdb', '']) {
      expect(files.readSync(outside), outside).toBeNull();
    }
    expect(files.readSync('missing.js')).toBeNull();
    expect(sea.asked).not.toContain('country.mmdb');
    expect(sea.asked).not.toContain('uws.node');
  });
});

describe('createStaticAssets in the single-file binary', () => {
  it('13: serves the widget, its app and languages, the console and the demo from SEA assets', async () => {
    const assets = createStaticAssets({}, { demo: true, sea });
    expect(assets.widgetBuilt()).toBe(true);
    expect(await body(assets.handle(get('/widget.js')))).toEqual({
      status: 200,
      text: 'widget();',
    });
    expect(await body(assets.handle(get('/widget/app.js')))).toEqual({
      status: 200,
      text: 'app();',
    });
    expect(await body(assets.handle(get('/widget/locales/de.js')))).toEqual({
      status: 200,
      text: 'de();',
    });
    expect((await body(assets.handle(get('/console/')))).text).toContain('Conduit console');
    expect((await body(assets.handle(get('/console/assets/index-AbCdEfGh.js')))).text).toBe(
      'console();',
    );
    expect((await body(assets.handle(get('/demo/')))).text).toContain('demo');
    expect((await body(assets.handle(get('/console/..%2fcountry.mmdb')))).status).toBe(404);
  });

  it('13: a directory given by the caller still wins over the assets', async () => {
    const assets = createStaticAssets({ widgetDir: '/nonexistent' }, { demo: false, sea });
    expect((await body(assets.handle(get('/widget.js')))).status).toBe(404);
    expect((await body(assets.handle(get('/console/')))).text).toContain('Conduit console');
  });
});
