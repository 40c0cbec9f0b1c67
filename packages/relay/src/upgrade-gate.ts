import type { Logger } from 'pino';
import type { RelayConfig } from './config.js';
import { type ConnState, type Hub, newConnState, type RelayConn } from './hub.js';
import type { RelayMetrics } from './relay-metrics.js';
import { clientIp } from './tech.js';
import { ratePolicy } from './token-bucket.js';
import { textReply } from './transport/http-text.js';
import type { HttpRequest, UpgradeDecision } from './transport/transport.js';

// Everything decided before a WebSocket exists: path, site, exact Origin (SECURITY.md B1–B3),
// the per-address connection cap (B15), and the new connection's typed state.

const ROLES = { '/v1/visitor': 'visitor', '/v1/operator': 'operator' } as const;

/**
 * True when `origin` is the relay itself: `publicUrl`, or the host (and port) the request was
 * sent to. The scheme is not compared: behind a TLS proxy the relay sees http while the
 * console's origin is https, and one port cannot serve both.
 */
export function ownOrigin(origin: string, host: string | undefined, publicUrl?: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.origin !== origin) return false;
  if (publicUrl && new URL(publicUrl).origin === origin) return true;
  return host !== undefined && url.host === host.toLowerCase();
}

/** What the gate needs. */
export interface UpgradeGateDeps {
  config: RelayConfig;
  hub: Hub;
  metrics: RelayMetrics;
  logger: Logger;
  /** Exact allowed origins per site id (config plus, in demo mode, the bound address). */
  origins: ReadonlyMap<string, ReadonlySet<string>>;
  closing: () => boolean;
}

/** Creates the gate; `opened`/`closed` keep the per-address table (empty once all closed). */
export function createUpgradeGate(deps: UpgradeGateDeps) {
  const { config, hub, metrics, logger } = deps;
  const addresses = new Map<string, number>();
  const rates = {
    visitor: ratePolicy(config.limits.rate, config.limits.burst),
    operator: ratePolicy(config.limits.operatorRate, config.limits.operatorBurst),
  };
  const typingRate = ratePolicy(config.limits.typingRate, config.limits.typingBurst);

  function refuse(status: number, reason: string, text: string): UpgradeDecision<ConnState> {
    metrics.upgradeRejected(reason);
    return { accept: false, reply: textReply(status, text) };
  }

  return {
    /** Decides an upgrade request. */
    upgrade(req: HttpRequest): UpgradeDecision<ConnState> {
      const role = ROLES[req.path as keyof typeof ROLES];
      if (!role) return refuse(404, 'path', 'not found');
      if (deps.closing()) return refuse(503, 'closing', 'relay shutting down');
      const site = hub.sites.get(new URLSearchParams(req.query).get('site') ?? '');
      if (!site) return refuse(404, 'site', 'unknown site');
      // Exact match only: no prefix, no scheme or port leniency, no `null`. Operators may also
      // come from the relay's own origin: the console it serves at /console/.
      const origin = req.headers.origin;
      const allowed =
        origin !== undefined &&
        (deps.origins.get(site.id)?.has(origin) === true ||
          (role === 'operator' && ownOrigin(origin, req.headers.host, config.publicUrl)));
      if (!allowed) {
        metrics.originRejected(role);
        // The refused origin is named (an origin is not personal data, issue #12 item 7),
        // clamped: it is a header anyone can fill.
        logger.warn(
          { role, site: site.id, origin: origin === undefined ? null : origin.slice(0, 200) },
          'origin rejected',
        );
        return { accept: false, reply: textReply(403, 'origin not allowed') };
      }
      const address = clientIp({
        remote: req.remote,
        forwardedFor: req.headers['x-forwarded-for'],
        trustProxy: config.trustProxy,
      });
      if ((addresses.get(address) ?? 0) >= config.limits.connectionsPerAddress) {
        return refuse(429, 'address_cap', 'too many connections from this address');
      }
      return {
        accept: true,
        data: newConnState(
          role,
          site,
          address,
          role === 'visitor' ? (req.headers['user-agent'] ?? '').slice(0, 512) : '',
          rates[role],
          typingRate,
        ),
      };
    },
    /** Counts an open socket against its address. */
    opened(conn: RelayConn): void {
      addresses.set(conn.data.address, (addresses.get(conn.data.address) ?? 0) + 1);
    },
    /** Releases a closed socket's address slot. */
    closed(conn: RelayConn): void {
      const left = (addresses.get(conn.data.address) ?? 1) - 1;
      if (left <= 0) addresses.delete(conn.data.address);
      else addresses.set(conn.data.address, left);
    },
    /** Addresses with open sockets. */
    addressCount: () => addresses.size,
  };
}
