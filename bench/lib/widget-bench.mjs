import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { runnerImport } from 'vite';

// Widget figures: gzip/brotli size of the built script-tag bundle, and boot time in Chromium
// (median of N loads): from the moment widget.js has been received (Resource Timing responseEnd,
// so compile + evaluation + first render count) to the launcher being in the DOM inside the
// <conduit-chat> shadow root, seen by a MutationObserver. Long tasks > 50 ms are collected.

/** Loads per boot measurement (the issue asks for the median of 20). */
export const BOOT_LOADS = 20;
/** Bound on one page load. */
const LOAD_TIMEOUT_MS = 10_000;

const WIDGET = new URL('../../packages/widget/dist/widget.js', import.meta.url);
const CHROMIUM_TS = new URL('../../test-support/chromium.ts', import.meta.url);

/** Gzip (level 9) and brotli (quality 11) sizes of widget.js, or null when not built. */
export function widgetSize() {
  if (!existsSync(WIDGET)) return null;
  const raw = readFileSync(WIDGET);
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

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>boot</title>
<script>
window.__boot = { launcher: 0, long: [] };
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
}
new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
</script></head><body><h1>Bench shop</h1><p>A host page.</p>
<script src="/widget.js" data-site="bench" async></script></body></html>`;

/**
 * Boot time over `loads` fresh page loads (a new browser context each), or null when not built.
 * @param {number} [loads]
 */
export async function widgetBoot(loads = BOOT_LOADS) {
  if (!existsSync(WIDGET)) return null;
  const script = readFileSync(WIDGET);
  const http = createServer((req, res) => {
    if (req.url === '/widget.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(script);
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
        const r = await page.evaluate(() => {
          const w = /** @type {any} */ (window);
          const entry = /** @type {PerformanceResourceTiming | undefined} */ (
            performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'))
          );
          return {
            launcher: w.__boot.launcher,
            received: entry?.responseEnd ?? 0,
            long: w.__boot.long,
          };
        });
        boots.push(r.launcher - r.received);
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
  return {
    loads,
    failed,
    medianMs: median(boots),
    minMs: boots[0] ?? Number.NaN,
    maxMs: boots[boots.length - 1] ?? Number.NaN,
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
