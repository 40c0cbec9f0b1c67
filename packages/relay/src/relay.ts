import type { Dispatcher } from '@conduit-chat/mail';
import { CLOSE_CODES, LIMITS } from '@conduit-chat/protocol';
import type { Logger } from 'pino';
import type { Bus, BusHandlers } from './bus/bus.js';
import { createRedisBus } from './bus/redis-bus.js';
import { type Cluster, createCluster, registerBusMetrics } from './cluster.js';
import { parseConfig, type RelayConfig, type RelayConfigInput } from './config.js';
import { applyReload, type ReloadResult } from './config-reload.js';
import { coreDumpsEnabled, readCoreLimit } from './core-limit.js';
import { RelayError } from './errors.js';
import { createHttpRoutes } from './http-routes.js';
import { type ConnState, createHub, HARD_BACKPRESSURE_EXTRA, type RelayConn } from './hub.js';
import { createLogger } from './logger.js';
import { createRelayDispatcher } from './mail-dispatcher.js';
import { createOfflineLimiter } from './offline-limiter.js';
import { operatorEndpoint } from './operator-endpoint.js';
import { createRelayMetrics } from './relay-metrics.js';
import type { SessionStoreStats } from './session-store.js';
import { type AssetDirs, createStaticAssets } from './static-assets.js';
import { createTechLookup, type TechLookup } from './tech.js';
import { checkTlsFiles } from './tls-files.js';
import { createTransport } from './transport/create-transport.js';
import type { UwsLoad } from './transport/load-uws.js';
import type { Transport, TransportName } from './transport/transport.js';
import { createUpgradeGate } from './upgrade-gate.js';
import { visitorEndpoint } from './visitor-endpoint.js';

// `startRelay`: wires config, transport, hub, endpoints, HTTP, metrics, mail and logs together.

/** `createTransport`, with a TLS pair the server refuses (key not matching) as `tls_invalid`. */
function createTransportFor<D>(...args: Parameters<typeof createTransport<D>>) {
  try {
    return createTransport<D>(...args);
  } catch (error) {
    const tls = args[2].tls;
    if (!tls) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RelayError(
      'tls_invalid',
      `tls_invalid: the certificate ${tls.cert} and key ${tls.key} were refused (${reason})`,
      error,
    );
  }
}

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
  /** Loads native uWS (tests of the fallback, SECURITY.md F15). */
  loadUws?: () => UwsLoad;
  /**
   * The bus to the other nodes of a cluster (default: Redis when `cluster.redisUrl` is set,
   * else none: a single node). `createLocalBus(network, handlers)` joins relays of one process.
   */
  bus?: (handlers: BusHandlers) => Bus;
  /** Wall clock for business hours (tests: a clock just before a boundary). */
  wallClock?: () => number;
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

/** What a shutdown found: whether the mail queue drained in time, and what was left. */
export interface CloseResult {
  /** True when every mail job was handed to the server within `shutdown.drainMs`. */
  drained: boolean;
  /** Jobs still queued at the drain limit: dropped (the CLI exits with 3 when > 0). */
  dropped: number;
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
   * (SECURITY.md B18). Other changes (sites added or removed, ports, limits…) need a restart
   * and are listed in `restartNeeded`.
   */
  reload(input: RelayConfigInput | RelayConfig): ReloadResult;
  /**
   * Graceful shutdown: stop listening, end sessions, close sockets with 1012, drain mail for
   * up to `shutdown.drainMs`; resolves with how many mail jobs were left (dropped).
   */
  close(): Promise<CloseResult>;
}

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
  // Before anything is built, so that a bad file leaves nothing open behind it.
  if (config.tls) checkTlsFiles(config.tls);
  const logger = deps.logger ?? createLogger();
  const ownDispatcher = deps.dispatcher ? null : createRelayDispatcher(config, logger);
  const dispatcher = deps.dispatcher ?? (ownDispatcher as Dispatcher);
  const tech =
    deps.tech ?? (await createTechLookup(config.geo.cityDb ? { cityDb: config.geo.cityDb } : {}));
  let transportName: TransportName = config.transport;
  let closing = false;
  const connections = { visitor: 0, operator: 0 };

  const origins = new Map(config.sites.map((s) => [s.id, new Set(s.origins)]));
  const metrics = createRelayMetrics({
    store: () => hub.store.stats(),
    connections: () => ({ ...connections }),
    dispatcher,
    transport: () => transportName,
  });
  const hub = createHub({
    config,
    dispatcher,
    logger,
    counters: metrics.counters,
    ...(deps.wallClock ? { wallClock: deps.wallClock } : {}),
  });
  const offline = createOfflineLimiter(config.limits);
  const visitors = visitorEndpoint(hub, tech, offline);
  const operators = operatorEndpoint(hub);
  const cluster = await joinCluster(config, deps, hub, operators.command, logger);
  if (cluster) registerBusMetrics(metrics.registry, cluster.bus);
  const assets = createStaticAssets(deps.assets ?? {}, { demo: config.demo });
  const http = createHttpRoutes({
    hub,
    metrics,
    assets,
    tech,
    transport: () => transportName,
    closing: () => closing,
    offline,
    origins: (id) => origins.get(id) ?? new Set(),
  });

  const gate = createUpgradeGate({
    config,
    hub,
    metrics,
    logger,
    origins,
    closing: () => closing,
  });

  const endpoint = (conn: RelayConn) => (conn.data.role === 'visitor' ? visitors : operators);
  const created = createTransportFor(
    config.transport,
    {
      http,
      upgrade: gate.upgrade,
      open(conn) {
        connections[conn.data.role]++;
        gate.opened(conn);
        cluster?.opened(conn);
        endpoint(conn).open(conn);
      },
      message(conn, data) {
        try {
          endpoint(conn).message(conn, data);
        } catch (error) {
          // A bug must cost one frame, not the connection or the process; the client is told.
          const err = error instanceof Error ? error.name : 'unknown';
          logger.error(
            { role: conn.data.role, site: conn.data.site.id, err },
            'frame handler failed',
          );
          hub.sendError(conn, 'internal');
        }
      },
      drain(conn) {
        // Live frames are never queued in the relay (a reader over the limit is closed and
        // catches up by replay); only a paced replay waits for drain.
        hub.pump(conn);
      },
      close(conn) {
        connections[conn.data.role]--;
        gate.closed(conn);
        endpoint(conn).close(conn);
        cluster?.closed(conn);
      },
    },
    {
      maxPayloadLength: LIMITS.frameBytes,
      idleTimeoutSec: config.limits.idleTimeoutSec,
      maxBackpressure: config.limits.maxBackpressureBytes + HARD_BACKPRESSURE_EXTRA,
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
    hub.stopHours();
    await transport.close();
    await cluster?.close();
    const where = `${config.host}:${config.port}`;
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
      throw new RelayError(
        'port_in_use',
        `port_in_use: ${where} is already in use (another relay or program listens there)`,
        error,
      );
    }
    throw new RelayError('listen_failed', `listen_failed: cannot listen on ${where}`, error);
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
  const coreLimit = readCoreLimit();
  if (coreDumpsEnabled(coreLimit)) {
    logger.warn(
      { coreLimit },
      'core dumps are enabled: a crash could write live chats to disk; start the relay with ' +
        '`ulimit -c 0` (systemd: LimitCORE=0)',
    );
  }
  logger.info(
    { port, host: config.host, transport: transport.name, sites: config.sites.length },
    'listening',
  );

  let closed: Promise<CloseResult> | null = null;
  async function shutdown(): Promise<CloseResult> {
    closing = true;
    transport.stopListening();
    hub.stopHours();
    if (cluster) {
      // Clustered: visitors reconnect to another node and their sessions move there
      // (README "SIGTERM in cluster mode"); what is still here after the wait ends as below.
      for (const conn of [...transport.connections()])
        conn.close(CLOSE_CODES.restart, 'relay restarting');
      const left = await cluster.handover(config.cluster.handoverMs);
      logger.info({ left }, 'shutdown: handover window over');
    }
    const live = [...hub.store.all()];
    for (const session of live) hub.endSession(session, 'shutdown', CLOSE_CODES.restart);
    for (const conn of [...transport.connections()])
      conn.close(CLOSE_CODES.restart, 'relay restarting');
    const drainMs = config.shutdown.drainMs;
    const { drained, pending } = await dispatcher.drain(drainMs);
    // Issue #12.4: what is left now is lost with the process; say so loudly, never "drained".
    if (drained) logger.info({ sessions: live.length }, 'shutdown: sessions ended, mail drained');
    else {
      metrics.mailDroppedAtShutdown(pending);
      logger.error(
        { sessions: live.length, dropped: pending, drainMs },
        'shutdown: mail not drained in time, jobs dropped',
      );
    }
    await cluster?.close();
    await transport.close();
    await ownDispatcher?.close();
    logger.info('closed');
    return { drained, dropped: drained ? 0 : pending };
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
        addresses: gate.addressCount(),
        store,
      };
    },
    reload(next) {
      const result = applyReload({
        current: config,
        fresh: parseConfig(next),
        boundPort: port,
        hub,
        origins,
        revoke: operators.revoke,
      });
      logger.info(
        { revoked: result.revoked, restartNeeded: result.restartNeeded.length },
        'config reloaded',
      );
      return result;
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}

/** The cluster this relay joins (`deps.bus`, or Redis for `cluster.redisUrl`); null: single node. */
async function joinCluster(
  config: RelayConfig,
  deps: RelayDeps,
  hub: ReturnType<typeof createHub>,
  command: Parameters<typeof createCluster>[0]['command'],
  logger: Logger,
): Promise<Cluster | null> {
  const url = config.cluster.redisUrl;
  if (deps.bus) return createCluster({ hub, command, bus: deps.bus });
  if (!url) return null;
  let redis: ReturnType<typeof createRedisBus> | null = null;
  const cluster = createCluster({
    hub,
    command,
    bus: (handlers) => {
      redis = createRedisBus({ url, logger }, handlers);
      return redis;
    },
  });
  await (redis as ReturnType<typeof createRedisBus> | null)?.connect();
  logger.info({ node: cluster.bus.node, up: cluster.bus.up }, 'cluster: joined over redis');
  return cluster;
}
