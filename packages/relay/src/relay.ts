import type { Dispatcher } from '@conduit-chat/mail';
import { CLOSE_CODES, LIMITS } from '@conduit-chat/protocol';
import type { Logger } from 'pino';
import { parseConfig, type RelayConfig, type RelayConfigInput } from './config.js';
import { RelayError } from './errors.js';
import { createHttpRoutes } from './http-routes.js';
import { type ConnState, createHub, type RelayConn } from './hub.js';
import { createLogger } from './logger.js';
import { createRelayDispatcher } from './mail-dispatcher.js';
import { operatorEndpoint } from './operator-endpoint.js';
import { createRelayMetrics } from './relay-metrics.js';
import type { SessionStoreStats } from './session-store.js';
import { type AssetDirs, createStaticAssets } from './static-assets.js';
import { clientIp, createTechLookup, type TechLookup } from './tech.js';
import { createTokenBucket } from './token-bucket.js';
import { createTransport } from './transport/create-transport.js';
import { textReply } from './transport/http-text.js';
import type { UwsLoad } from './transport/load-uws.js';
import type {
  HttpRequest,
  Transport,
  TransportName,
  UpgradeDecision,
} from './transport/transport.js';
import { visitorEndpoint } from './visitor-endpoint.js';

// `startRelay`: wires config, transport, hub, endpoints, HTTP, metrics, mail and logs together.

/** Optional collaborators of `startRelay`. */
export interface RelayDeps {
  /** Receives transcript and offline jobs (default: `@conduit-chat/mail` per `config.mail`). */
  dispatcher?: Dispatcher;
  /** pino logger (default: JSON lines on stdout). */
  logger?: Logger;
  /** Technical data lookup (default: `createTechLookup()` with the embedded country db). */
  tech?: TechLookup;
  /** Where /widget.js, /console/ and /demo/ come from. */
  assets?: AssetDirs;
  /** Loads native uWS (tests of the fallback, CHECKLIST F15). */
  loadUws?: () => UwsLoad;
}

/** Live numbers of a relay (F12: all maps empty once every session ended). */
export interface RelayStats {
  sessions: number;
  operators: number;
  connections: { visitor: number; operator: number };
  /** Addresses with open sockets (per-address cap table). */
  addresses: number;
  store: SessionStoreStats;
}

/** What `reload` applied. */
export interface ReloadResult {
  /** Operator sockets closed because their key was removed or changed. */
  revoked: number;
  /** Changes that were not applied and need a restart. */
  restartNeeded: string[];
}

/** A running relay. */
export interface Relay {
  /** The bound port. */
  readonly port: number;
  readonly host: string;
  /** The transport actually carrying the sockets. */
  readonly transport: TransportName;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The validated configuration. */
  readonly config: RelayConfig;
  stats(): RelayStats;
  /**
   * Applies a new configuration's per-site operators, origins, canned responses and mail
   * recipients to running sites; operators whose key is gone are disconnected at once
   * (CHECKLIST B18). Other changes (sites added or removed, ports, limits…) need a restart
   * and are listed in `restartNeeded`.
   */
  reload(input: RelayConfigInput | RelayConfig): ReloadResult;
  /** Graceful shutdown: stop listening, end sessions, close sockets with 1012, drain mail. */
  close(): Promise<void>;
}

const ROLES = { '/v1/visitor': 'visitor', '/v1/operator': 'operator' } as const;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts a relay. `input` is validated (defaults filled in); `port: 0` picks a free port.
 * @example
 * const relay = await startRelay({ port: 0, host: '127.0.0.1', sites }, { dispatcher, logger });
 * const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/v1/visitor?site=acme`, { origin });
 * await relay.close();
 */
export async function startRelay(
  input: RelayConfigInput | RelayConfig,
  deps: RelayDeps = {},
): Promise<Relay> {
  const config = parseConfig(input);
  const logger = deps.logger ?? createLogger();
  const ownDispatcher = deps.dispatcher ? null : createRelayDispatcher(config, logger);
  const dispatcher = deps.dispatcher ?? (ownDispatcher as Dispatcher);
  const tech = deps.tech ?? (await createTechLookup());
  let transportName: TransportName = config.transport;
  let closing = false;
  const connections = { visitor: 0, operator: 0 };
  const addresses = new Map<string, number>();

  const origins = new Map(config.sites.map((s) => [s.id, new Set(s.origins)]));
  const metrics = createRelayMetrics({
    store: () => hub.store.stats(),
    connections: () => ({ ...connections }),
    dispatcher,
    transport: () => transportName,
  });
  const hub = createHub({ config, dispatcher, logger, counters: metrics.counters });
  const visitors = visitorEndpoint(hub, tech);
  const operators = operatorEndpoint(hub);
  const assets = createStaticAssets(deps.assets ?? {}, { demo: config.demo });
  const http = createHttpRoutes({
    hub,
    metrics,
    assets,
    tech,
    transport: () => transportName,
    closing: () => closing,
    origins: (id) => origins.get(id) ?? new Set(),
  });

  function upgrade(req: HttpRequest): UpgradeDecision<ConnState> {
    const role = ROLES[req.path as keyof typeof ROLES];
    const refuse = (status: number, reason: string, text: string) => {
      metrics.upgradeRejected(reason);
      return { accept: false as const, reply: textReply(status, text) };
    };
    if (!role) return refuse(404, 'path', 'not found');
    if (closing) return refuse(503, 'closing', 'relay shutting down');
    const siteId = new URLSearchParams(req.query).get('site') ?? '';
    const site = hub.sites.get(siteId);
    if (!site) return refuse(404, 'site', 'unknown site');
    // Exact match only (CHECKLIST B1–B3): no prefix, no scheme or port leniency, no `null`.
    const origin = req.headers.origin;
    if (!origin || !origins.get(site.id)?.has(origin)) {
      metrics.originRejected(role);
      logger.warn({ role, site: site.id }, 'origin rejected');
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
      data: {
        role,
        site,
        address,
        userAgent: (req.headers['user-agent'] ?? '').slice(0, 512),
        acceptLanguage: (req.headers['accept-language'] ?? '').slice(0, 64),
        phase: 'handshake',
        session: null,
        operator: null,
        bucket: createTokenBucket(config.limits.rate, config.limits.burst),
        badFrames: 0,
        refused: 0,
        limited: false,
        handshakeTimer: null,
        replays: null,
      },
    };
  }

  const endpoint = (conn: RelayConn) => (conn.data.role === 'visitor' ? visitors : operators);
  const created = createTransport<ConnState>(
    config.transport,
    {
      http,
      upgrade,
      open(conn) {
        connections[conn.data.role]++;
        addresses.set(conn.data.address, (addresses.get(conn.data.address) ?? 0) + 1);
        endpoint(conn).open(conn);
      },
      message(conn, data) {
        endpoint(conn).message(conn, data);
      },
      drain(conn) {
        // Live frames are never queued in the relay (a reader over the limit is closed and
        // catches up by replay); only a paced replay waits for drain.
        hub.pump(conn);
      },
      close(conn) {
        connections[conn.data.role]--;
        const left = (addresses.get(conn.data.address) ?? 1) - 1;
        if (left <= 0) addresses.delete(conn.data.address);
        else addresses.set(conn.data.address, left);
        endpoint(conn).close(conn);
      },
    },
    {
      maxPayloadLength: LIMITS.frameBytes,
      idleTimeoutSec: config.limits.idleTimeoutSec,
      maxBackpressure: config.limits.maxBackpressureBytes,
      maxBodyBytes: LIMITS.frameBytes,
      ...(config.tls ? { tls: config.tls } : {}),
      onError: (error) =>
        logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'handler threw'),
    },
    deps.loadUws,
  );
  const transport: Transport<ConnState> = created.transport;
  transportName = transport.name;
  if (created.fallbackReason) {
    logger.warn(
      { transport: 'ws', reason: created.fallbackReason },
      'uWebSockets.js native module unavailable: running on the ws transport',
    );
  }

  let port: number;
  try {
    port = await transport.listen(config.host, config.port);
  } catch (error) {
    await transport.close();
    throw new RelayError('listen_failed', `cannot listen on ${config.host}:${config.port}`, error);
  }
  if (config.demo) {
    const demo = origins.get('demo');
    for (const host of ['localhost', '127.0.0.1']) demo?.add(`http://${host}:${port}`);
    if (config.publicUrl) demo?.add(new URL(config.publicUrl).origin);
  }
  const scheme = config.tls ? 'https' : 'http';
  const urlHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${scheme}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;
  if (!config.tls && !LOOPBACK.has(config.host)) {
    logger.warn(
      { host: config.host },
      'serving a non-loopback address without TLS: put a TLS proxy in front',
    );
  }
  if (config.cluster.redisUrl) {
    logger.warn('cluster.redisUrl is set but cluster mode is not implemented: running as one node');
  }
  logger.info(
    { port, host: config.host, transport: transport.name, sites: config.sites.length },
    'listening',
  );

  let closed: Promise<void> | null = null;
  async function shutdown(): Promise<void> {
    closing = true;
    transport.stopListening();
    const live = [...hub.store.all()];
    for (const session of live) hub.endSession(session, 'shutdown', CLOSE_CODES.restart);
    for (const conn of [...transport.connections()])
      conn.close(CLOSE_CODES.restart, 'relay restarting');
    const drained = await dispatcher.drain(config.limits.shutdownDrainMs);
    logger.info({ sessions: live.length, ...drained }, 'shutdown: sessions ended, mail drained');
    await transport.close();
    await ownDispatcher?.close();
    logger.info('closed');
  }

  return {
    port,
    host: config.host,
    transport: transport.name,
    url,
    config,
    stats() {
      const store = hub.store.stats();
      return {
        sessions: store.sessions,
        operators: store.operators,
        connections: { ...connections },
        addresses: addresses.size,
        store,
      };
    },
    reload(next) {
      const fresh = parseConfig(next);
      const restartNeeded: string[] = [];
      let revoked = 0;
      for (const key of [
        'host',
        'port',
        'transport',
        'tls',
        'trustProxy',
        'session',
        'limits',
        'mail',
      ] as const) {
        if (key === 'port' && (fresh.port === port || fresh.port === config.port)) continue;
        if (JSON.stringify(fresh[key]) !== JSON.stringify(config[key])) restartNeeded.push(key);
      }
      const freshIds = new Set(fresh.sites.map((s) => s.id));
      for (const site of config.sites)
        if (!freshIds.has(site.id)) restartNeeded.push(`sites.${site.id} (removed)`);
      for (const update of fresh.sites) {
        const site = hub.sites.get(update.id);
        if (!site) {
          restartNeeded.push(`sites.${update.id} (added)`);
          continue;
        }
        site.operators = update.operators;
        site.canned = update.canned;
        site.origins = update.origins;
        if (update.transcripts) site.transcripts = update.transcripts;
        else delete site.transcripts;
        if (update.offline) site.offline = update.offline;
        else delete site.offline;
        const allowed = origins.get(site.id);
        if (allowed) {
          const demoOrigins =
            config.demo && site.id === 'demo'
              ? [...allowed].filter((o) => o.endsWith(`:${port}`))
              : [];
          allowed.clear();
          for (const o of [...update.origins, ...demoOrigins]) allowed.add(o);
        }
        revoked += operators.revoke(site.id);
      }
      logger.info({ revoked, restartNeeded: restartNeeded.length }, 'config reloaded');
      return { revoked, restartNeeded };
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}
