import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { runnerImport } from 'vite';

// Widget figures: gzip/brotli size of the script tag's two files (widget.js, the facade every
// page loads; widget/app.js, the chat it loads on the visitor's intent) and in Chromium (median
// of N loads):
// - boot: from the moment widget.js has been received (Resource Timing responseEnd, so
//   compile + evaluation + first render count) to the launcher being in the DOM inside the
//   <conduit-chat> shadow root, seen by a MutationObserver;
// - click to open: from a click on the launcher (the event's timeStamp) with nothing preloaded
//   to the panel in the shadow root: app.js fetched from 127.0.0.1, compiled, handed over and
//   rendered (the hover that precedes a real click would preload it; this is the worst case).
// Long tasks > 50 ms are collected over the whole load, the click included.

/** Loads per boot measurement (the issue asks for the median of 20). */
export const BOOT_LOADS = 20;
/** Bound on one page load. */
const LOAD_TIMEOUT_MS = 10_000;

const WIDGET = new URL('../../packages/widget/dist/widget.js', import.meta.url);
const APP = new URL('../../packages/widget/dist/app.js', import.meta.url);
const CHROMIUM_TS = new URL('../../test-support/chromium.ts', import.meta.url);

/** @param {Buffer} raw */
function sizes(raw) {
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }).length,
  };
}

/**
 * Gzip (level 9) and brotli (quality 11) sizes of widget.js (top level), of app.js (`app`) and
 * of both (`both`), or null when not built.
 */
export function widgetSize() {
  if (!existsSync(WIDGET) || !existsSync(APP)) return null;
  const widget = sizes(readFileSync(WIDGET));
  const app = sizes(readFileSync(APP));
  const both = {
    raw: widget.raw + app.raw,
    gzip: widget.gzip + app.gzip,
    brotli: widget.brotli + app.brotli,
  };
  return { ...widget, app, both };
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>boot</title>
<script>
window.__boot = { launcher: 0, click: 0, panel: 0, long: [] };
addEventListener('click', (e) => { window.__boot.click = e.timeStamp; }, true);
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__boot.long.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
} catch {}
const seen = new WeakSet();
function check() {
  const host = document.querySelector('conduit-chat');
  const root = host && host.shadowRoot;
  if (!root) return;
  if (!seen.has(root)) { seen.add(root); new MutationObserver(check).observe(root, { childList: true, subtree: true }); }
  if (!window.__boot.launcher && root.querySelector('[part~="launcher"]')) {
    window.__boot.launcher = performance.now();
  }
  if (!window.__boot.panel && root.querySelector('[part~="panel"]')) {
    window.__boot.panel = performance.now();
  }
}
new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
</script></head><body><h1>Bench shop</h1><p>A host page.</p>
<script src="/widget.js" data-site="bench" async></script></body></html>`;

/**
 * Boot time over `loads` fresh page loads (a new browser context each), or null when not built.
 * @param {number} [loads]
 */
export async function widgetBoot(loads = BOOT_LOADS) {
  if (!existsSync(WIDGET) || !existsSync(APP)) return null;
  /** @type {Record<string, Buffer>} */
  const scripts = { '/widget.js': readFileSync(WIDGET), '/widget/app.js': readFileSync(APP) };
  const http = createServer((req, res) => {
    const script = scripts[req.url ?? ''];
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(script);
    } else if (req.url !== '/') {
      // The app's WebSocket (no relay here): refused, the panel opens all the same.
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    }
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', () => r(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  const { module } = await runnerImport(CHROMIUM_TS.pathname, {
    configFile: false,
    logLevel: 'silent',
  });
  const browser = await module.launchChromium();
  const version = browser.version();
  /** @type {number[]} */
  const boots = [];
  /** @type {number[]} */
  const opens = [];
  /** @type {number[]} */
  const longTasks = [];
  let failed = 0;
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`http://127.0.0.1:${address.port}/`, { timeout: LOAD_TIMEOUT_MS });
        await page.waitForFunction(() => /** @type {any} */ (window).__boot.launcher > 0, null, {
          timeout: LOAD_TIMEOUT_MS,
        });
        // A click event alone: no pointer moves over the launcher first, so nothing is preloaded.
        await page.dispatchEvent('conduit-chat [part~="launcher"]', 'click', undefined, {
          timeout: LOAD_TIMEOUT_MS,
        });
        await page.waitForFunction(() => /** @type {any} */ (window).__boot.panel > 0, null, {
          timeout: LOAD_TIMEOUT_MS,
        });
        const r = await page.evaluate(() => {
          const w = /** @type {any} */ (window);
          const entry = /** @type {PerformanceResourceTiming | undefined} */ (
            performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'))
          );
          return {
            launcher: w.__boot.launcher,
            received: entry?.responseEnd ?? 0,
            open: w.__boot.panel - w.__boot.click,
            long: w.__boot.long,
          };
        });
        boots.push(r.launcher - r.received);
        opens.push(r.open);
        longTasks.push(...r.long.filter((/** @type {number} */ d) => d > 50));
      } catch {
        failed++;
      } finally {
        await context.close();
      }
      // a widget that never shows its launcher would otherwise cost loads × the timeout
      if (failed >= 3 && boots.length === 0) break;
    }
  } finally {
    await browser.close();
    await new Promise((r) => http.close(() => r(undefined)));
  }
  boots.sort((a, b) => a - b);
  opens.sort((a, b) => a - b);
  return {
    loads,
    failed,
    medianMs: median(boots),
    minMs: boots[0] ?? Number.NaN,
    maxMs: boots[boots.length - 1] ?? Number.NaN,
    openMedianMs: median(opens),
    openMinMs: opens[0] ?? Number.NaN,
    openMaxMs: opens[opens.length - 1] ?? Number.NaN,
    longTasksOver50: longTasks.length,
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    browser: version,
  };
}

/** @param {number[]} sorted ascending */
function median(sorted) {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = Math.floor(n / 2);
  return n % 2 ? /** @type {number} */ (sorted[mid]) : (sorted[mid - 1] + sorted[mid]) / 2;
}
