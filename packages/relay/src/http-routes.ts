import { ERROR_CODES, type ErrorCode, LIMITS } from '@conduit-chat/protocol';
import { offlineRequest, withinDepth } from '@conduit-chat/protocol/schema';
import type { Hub } from './hub.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';
import type { OfflineLimiter } from './offline-limiter.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { createStaticAssets } from './static-assets.js';
import { clientIp, type TechLookup } from './tech.js';
import { textReply } from './transport/http-text.js';
import type { HttpReply, HttpRequest, TransportName } from './transport/transport.js';
import { offlineJobs } from './webhook-events.js';

// Plain HTTP: health, metrics, the offline-message POST with CORS for the site's own origins,
// and the static assets. Every reply is built here; transports only write them.

/** What the routes need. */
export interface HttpRouteDeps {
  hub: Hub;
  metrics: RelayMetrics;
  assets: ReturnType<typeof createStaticAssets>;
  tech: TechLookup;
  transport: () => TransportName;
  closing: () => boolean;
  /** The per-address offline budget, shared with the visitor socket's `offline` frame. */
  offline: OfflineLimiter;
  /** Exact allowed origins of a site (config + demo address). */
  origins: (siteId: string) => ReadonlySet<string>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

function wireError(status: number, code: ErrorCode, headers: Record<string, string> = {}) {
  return json(status, { code, message: ERROR_CODES[code] }, headers);
}

/** Creates the HTTP handler. */
export function createHttpRoutes(deps: HttpRouteDeps) {
  const { hub } = deps;

  function cors(req: HttpRequest, siteId: string): Record<string, string> | null {
    const origin = req.headers.origin;
    if (!origin || !deps.origins(siteId).has(origin)) return null;
    return { 'access-control-allow-origin': origin, vary: 'Origin' };
  }

  function offline(req: HttpRequest, body: Uint8Array | null): HttpReply {
    const siteId = new URLSearchParams(req.query).get('site') ?? '';
    const site = hub.sites.get(siteId);
    if (!site) return wireError(404, 'forbidden');
    const allow = cors(req, site.id);
    if (!allow) {
      deps.metrics.originRejected('offline');
      return wireError(403, 'forbidden');
    }
    if (req.method === 'options') {
      return {
        status: 204,
        headers: {
          ...allow,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '600',
        },
      };
    }
    if (req.method !== 'post')
      return wireError(405, 'forbidden', { ...allow, allow: 'POST, OPTIONS' });
    const address = clientIp({
      remote: req.remote,
      forwardedFor: req.headers['x-forwarded-for'],
      trustProxy: hub.config.trustProxy,
    });
    // Taken before the body is read: a malformed POST spends the budget too.
    if (!deps.offline.take(address)) return wireError(429, 'offline_limited', allow);
    let value: unknown;
    try {
      const text = decoder.decode(body ?? new Uint8Array());
      if (text.length > LIMITS.frameBytes || !withinDepth(text, LIMITS.jsonDepth)) {
        return wireError(400, 'too_deep', allow);
      }
      value = JSON.parse(text);
    } catch {
      return wireError(400, 'bad_json', allow);
    }
    const parsed = offlineRequest.safeParse(value);
    if (!parsed.success) return wireError(400, 'invalid_frame', allow);
    const data = deps.tech.lookup({
      ip: address,
      userAgent: req.headers['user-agent'] ?? '',
      anonymize: site.anonymizeIp,
    });
    const m = parsed.data;
    const jobs = offlineJobs(
      site,
      {
        name: m.name,
        email: m.email,
        text: m.text,
        ...(m.page ? { page: { url: m.page.url, title: m.page.title } } : {}),
      },
      {
        ...(site.anonymizeIp ? {} : { ip: data.ip }),
        ...(data.country ? { country: data.country } : {}),
        ...(data.city ? { city: data.city } : {}),
        browser: data.browser,
        os: data.os,
        device: data.device,
        lang: (req.headers['accept-language'] ?? '').split(',')[0]?.trim().slice(0, 64) ?? '',
        tz: '',
        referrer: '',
        pages: [],
      },
      Date.now(),
    );
    const outcome = hub.offline(jobs);
    if (outcome === 'no_recipients') return wireError(422, 'no_recipients', allow);
    if (outcome === 'limit_reached') return wireError(503, 'limit_reached', allow);
    return json(202, { status: 'queued' }, allow);
  }

  // Issue #12, item 7: browsers hide the 403 of a refused upgrade, so the widget asks here
  // once its socket failed before opening. The answer is readable by any origin (`*`) and
  // says only allowed or not: an unknown site looks the same as a refused origin. The
  // upgrade itself stays refused with 403 before any socket exists (SECURITY.md B1).
  function originCheck(req: HttpRequest): HttpReply {
    const siteId = new URLSearchParams(req.query).get('site') ?? '';
    const origin = req.headers.origin;
    const open = { 'access-control-allow-origin': '*' };
    if (req.method !== 'get') return wireError(405, 'forbidden', { ...open, allow: 'GET' });
    const allowed =
      origin !== undefined && hub.sites.has(siteId) && deps.origins(siteId).has(origin);
    return allowed
      ? { status: 204, headers: { ...open, 'cache-control': 'no-store' } }
      : wireError(403, 'origin_refused', open);
  }

  return async function http(req: HttpRequest, body: Uint8Array | null): Promise<HttpReply> {
    switch (req.path) {
      case '/healthz':
        if (deps.closing()) return json(503, { status: 'shutting_down' });
        return json(200, {
          status: 'ok',
          transport: deps.transport(),
          sessions: hub.store.stats().sessions,
        });
      case '/metrics':
        return {
          status: 200,
          headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' },
          body: deps.metrics.render(),
        };
      case '/v1/offline':
        return offline(req, body);
      case '/v1/origin':
        return originCheck(req);
      case '/v1/visitor':
      case '/v1/operator':
        return textReply(426, 'WebSocket upgrade required', { upgrade: 'websocket' });
      case '/':
        return { status: 302, headers: { location: hub.config.demo ? '/demo/' : '/console/' } };
    }
    const asset = deps.assets.handle(req);
    if (asset) return asset;
    return textReply(404, 'not found');
  };
}
