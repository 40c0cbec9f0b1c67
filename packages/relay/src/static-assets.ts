import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type AssetFiles, dirFiles, seaFiles } from './asset-files.js';
import { runningSea, type SeaAssets } from './sea.js';
import { textReply } from './transport/http-text.js';
import type { HttpReply, HttpRequest } from './transport/transport.js';

// The files the relay serves: the widget's script-tag bundle, the operator console, and the
// demo pages. Each comes from a built package; when it is not built, a 404 says how to build it.
// In the single-file binary they come from its SEA assets `widget/…`, `console/…`, `demo/…`.

/** Directories the assets are read from. */
export interface AssetDirs {
  /** Directory holding `widget.js` (default: `@conduit-chat/widget`'s `dist/`). */
  widgetDir?: string | undefined;
  /** Directory holding the console's `index.html` (default: `@conduit-chat/console`'s `dist/`). */
  consoleDir?: string | undefined;
  /** Directory holding the demo pages (default: this package's `demo/`). */
  demoDir?: string | undefined;
}

/** `Cache-Control` of `/widget.js`, its app and its language files: a day, revalidated by ETag after that. */
export const WIDGET_CACHE = 'public, max-age=86400';

/**
 * `/widget/locales/<code>.js`: the script-tag widget's language files (`locales/` beside
 * `widget.js`). Only `xx` or `xx-YY` names, and only files present on disk, are served.
 */
export const WIDGET_LOCALE_PATH = /^\/widget\/locales\/([a-z]{2}(?:-[A-Z]{2})?)\.js$/;

/**
 * `/widget/app.js`: the script-tag widget's chat, loaded by the facade in `widget.js` on the
 * visitor's first intent (`app.js` beside `widget.js`).
 */
export const WIDGET_APP_PATH = '/widget/app.js';

/** Security headers of every console response (SECURITY.md B22). */
export const CONSOLE_HEADERS = {
  'content-security-policy': "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const require = createRequire(import.meta.url);

/** The directory of an installed package (works without a `./package.json` export). */
export function packageDir(name: string): string | undefined {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return realpathSync(dir);
  }
  return undefined;
}

/** SEA asset prefixes of the files the binary embeds (scripts/build-binary.mjs writes them). */
export const SEA_ASSET_PREFIX = { widget: 'widget', console: 'console', demo: 'demo' } as const;

function sources(dirs: AssetDirs, sea: SeaAssets | undefined) {
  const dir = (given: string | undefined, fallback: () => string | undefined) => {
    const path = given ?? fallback();
    return path ? dirFiles(path) : undefined;
  };
  // A directory given by the caller wins; a binary has no package directories to fall back on.
  const pick = (given: string | undefined, prefix: string, fallback: () => string | undefined) =>
    given === undefined && sea ? seaFiles(sea, prefix) : dir(given, fallback);
  return {
    widget: pick(dirs.widgetDir, SEA_ASSET_PREFIX.widget, () => {
      const widget = packageDir('@conduit-chat/widget');
      return widget ? join(widget, 'dist') : undefined;
    }),
    console: pick(dirs.consoleDir, SEA_ASSET_PREFIX.console, () => {
      const consolePkg = packageDir('@conduit-chat/console');
      return consolePkg ? join(consolePkg, 'dist') : undefined;
    }),
    demo: pick(dirs.demoDir, SEA_ASSET_PREFIX.demo, () =>
      fileURLToPath(new URL('../demo/', import.meta.url)),
    ),
  };
}

interface Bundle {
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

/** Compresses once (at startup or first request), serves many times. */
function loadBundle(files: AssetFiles | undefined, rel: string): Bundle | null {
  const body = files?.readSync(rel);
  if (!body) return null;
  return {
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
  };
}

/** Picks br, then gzip, from an Accept-Encoding header (q=0 means "not this one"). */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  const offered = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    offered.set(name.trim(), q ? Number(q.slice(2)) : 1);
  }
  if ((offered.get('br') ?? 0) > 0) return 'br';
  if ((offered.get('gzip') ?? 0) > 0) return 'gzip';
  return null;
}

export { safeJoin } from './asset-files.js';

/** Serves `/widget.js`, `/widget/app.js`, `/widget/locales/<code>.js`, `/console/…` and (demo mode) `/demo/…`; null for other paths. */
export function createStaticAssets(
  dirs: AssetDirs,
  options: { demo: boolean; sea?: SeaAssets | undefined },
) {
  const {
    widget: widgetFiles,
    console: consoleFiles,
    demo: demoFiles,
  } = sources(dirs, 'sea' in options ? options.sea : runningSea());
  let widget = loadBundle(widgetFiles, 'widget.js');
  // The app and the language files, compressed on first request; only names found on disk
  // are kept (so at most one entry per file in `locales/`, plus the app).
  const files = new Map<string, Bundle>();

  function serveWidget(req: HttpRequest): HttpReply {
    // Built after the relay started (e.g. `npm start` building in parallel): pick it up.
    if (!widget) widget = loadBundle(widgetFiles, 'widget.js');
    if (!widget) {
      return textReply(404, 'widget not built: run npm run build -w @conduit-chat/widget');
    }
    return bundleReply(req, widget);
  }

  /** A file under the widget directory (`app.js`, `locales/<code>.js`), by a name already checked. */
  function serveWidgetFile(req: HttpRequest, rel: string): HttpReply {
    let bundle = files.get(rel);
    if (!bundle) {
      bundle = loadBundle(widgetFiles, rel) ?? undefined;
      if (bundle) files.set(rel, bundle);
    }
    return bundle ? bundleReply(req, bundle) : textReply(404, 'not found');
  }

  function bundleReply(req: HttpRequest, bundle: Bundle): HttpReply {
    const headers: Record<string, string> = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': WIDGET_CACHE,
      etag: bundle.etag,
      vary: 'Accept-Encoding',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    if (req.headers['if-none-match'] === bundle.etag) return { status: 304, headers };
    const encoding = pickEncoding(req.headers['accept-encoding']);
    if (encoding) headers['content-encoding'] = encoding;
    const body = encoding === 'br' ? bundle.br : encoding === 'gzip' ? bundle.gzip : bundle.body;
    return { status: 200, headers, body: req.method === 'head' ? '' : body };
  }

  async function serveFile(
    files: AssetFiles,
    rel: string,
    extra: Record<string, string>,
    notBuilt: string,
  ): Promise<HttpReply> {
    const index = await files.read('index.html');
    if (!index) return textReply(404, notBuilt, extra);
    const file = rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
    const body = file === 'index.html' ? index : await files.read(file);
    if (!body) return textReply(404, 'not found', extra);
    const hashed = /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2|svg|png)$/.test(file);
    return {
      status: 200,
      headers: {
        ...extra,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body,
    };
  }

  return {
    /** True once `widget.js` is built and loaded. */
    widgetBuilt: () => widget !== null,
    handle(req: HttpRequest): HttpReply | Promise<HttpReply> | null {
      if (req.method !== 'get' && req.method !== 'head') return null;
      if (req.path === '/widget.js') return serveWidget(req);
      if (req.path === WIDGET_APP_PATH) return serveWidgetFile(req, 'app.js');
      const locale = WIDGET_LOCALE_PATH.exec(req.path);
      if (locale?.[1]) return serveWidgetFile(req, join('locales', `${locale[1]}.js`));
      if (req.path === '/console' || req.path === '/demo') {
        if (req.path === '/demo' && !options.demo) return null;
        return { status: 301, headers: { location: `${req.path}/` } };
      }
      if (req.path.startsWith('/console/')) {
        if (!consoleFiles) {
          return textReply(404, CONSOLE_NOT_BUILT, CONSOLE_HEADERS);
        }
        return serveFile(consoleFiles, req.path.slice(9), CONSOLE_HEADERS, CONSOLE_NOT_BUILT);
      }
      if (options.demo && req.path.startsWith('/demo/') && demoFiles) {
        return serveFile(demoFiles, req.path.slice(6), {}, 'demo pages missing');
      }
      return null;
    },
  };
}

const CONSOLE_NOT_BUILT = 'console not built: run npm run build -w @conduit-chat/console';
