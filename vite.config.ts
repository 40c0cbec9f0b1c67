import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { localeScript } from './packages/widget/src/locales/locale-script.js';
import { TABLES } from './packages/widget/src/locales/tables.js';

// `npm run dev` (scripts/dev.mjs): a Vite dev server in front of a relay on the demo config.
// It serves the relay's URLs from source: /demo/ (packages/relay/demo) with /widget.js from
// packages/widget/src, /console/ from packages/console, with hot reload; the sockets and the
// API (/v1/…, /healthz, /metrics) go to the relay. The packages' builds keep their own configs.
const root = fileURLToPath(new URL('.', import.meta.url));
const path = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The relay behind the dev server; scripts/dev.mjs sets it to the relay it started. */
const relay = process.env.CONDUIT_DEV_RELAY ?? 'http://127.0.0.1:8080';

/**
 * `/widget.js` from source. In production it is a classic script (the facade) that loads the
 * chat (`app.js`) as a second one; here it is a module that boots the same facade and imports
 * `app.ts` when the facade asks for the app, so both are the module graph Vite reloads.
 */
const WIDGET_MODULE = `
import { bootFacade } from ${JSON.stringify(path('./packages/widget/src/facade.ts'))};
const tag = document.querySelector('script[type="module"][data-site][src="/widget.js"]');
bootFacade(tag, window, (_src, done) => {
  import(${JSON.stringify(path('./packages/widget/src/app.ts'))}).then(
    () => done(true),
    () => done(false),
  );
});
`;

/** Maps the relay's page URLs onto the source folders (under this root) Vite serves. */
function sourcePath(url: string): string | null {
  const [pathname = '', query] = url.split(/(?=\?)/);
  const withQuery = (p: string) => p + (query ?? '');
  if (pathname === '/' || pathname === '/demo') return '/demo/';
  if (pathname === '/console') return '/console/';
  if (pathname.startsWith('/demo/')) {
    const rest = pathname.slice(6) || 'index.html';
    return withQuery(`/packages/relay/demo/${rest}`);
  }
  if (pathname.startsWith('/console/')) {
    const rest = pathname.slice(9) || 'index.html';
    // The console's public/ files (favicon) are beside index.html once built.
    const dir = existsSync(path(`./packages/console/public/${rest}`)) ? 'public/' : '';
    return withQuery(`/packages/console/${dir}${rest}`);
  }
  return null;
}

function conduitDev(): Plugin {
  const WIDGET_ID = '\0conduit-dev-widget';
  return {
    name: 'conduit-dev',
    resolveId(source) {
      return source === '/widget.js' ? WIDGET_ID : null;
    },
    load(id) {
      return id === WIDGET_ID ? WIDGET_MODULE : null;
    },
    // The demo's script tag is the one a site owner writes; the module boot needs type=module.
    transformIndexHtml(html) {
      return html.replace(/<script src="\/widget\.js"/g, '<script type="module" src="/widget.js"');
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url ?? '/';
        // The language files the facade loads as classic scripts, built from the tables.
        const code = /^\/widget\/locales\/([a-z-]+)\.js$/i.exec(url.split('?')[0] ?? '')?.[1];
        const table = code && Object.hasOwn(TABLES, code) ? TABLES[code] : undefined;
        if (code && table) {
          res.setHeader('content-type', 'text/javascript; charset=utf-8');
          res.end(localeScript(code, table));
          return;
        }
        const mapped = sourcePath(url);
        if (mapped === '/demo/' || mapped === '/console/') {
          res.statusCode = 302;
          res.setHeader('location', mapped);
          res.end();
          return;
        }
        if (mapped) req.url = mapped;
        next();
      });
    },
  };
}

export default defineConfig({
  root,
  appType: 'mpa',
  resolve: { conditions: ['conduit:source', ...defaultClientConditions] },
  // The console's JSX runtime; the widget's .tsx work with it too (the build uses classic `h`
  // only to save bytes).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [conduitDev()],
  // Known up front, so no dependency found late reloads an open page.
  optimizeDeps: {
    entries: ['packages/console/index.html'],
    include: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'zod'],
  },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    proxy: {
      '/v1/': { target: relay, ws: true },
      '/healthz': relay,
      '/metrics': relay,
    },
  },
});
