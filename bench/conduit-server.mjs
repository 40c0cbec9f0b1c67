import { createHash } from 'node:crypto';
import { announce, serveControl } from './lib/server-control.mjs';

// Conduit under load: starts the built relay (packages/relay/dist, `startRelay`) with the bench
// site config and prints `BENCH {"port":N}`. The limits are configured (never patched) so that
// the per-connection rate limit, the per-address cap and the per-site session cap do not cap
// the benchmark; everything else runs with the relay's defaults, logger included.
// Usage: node conduit-server.mjs --transport uws|ws [--sites N]

/** The plain operator key every bench operator sends (its sha-256 goes in the config). */
export const BENCH_OPERATOR_KEY = 'ck_bench_operator_key_not_a_secret';
/** Grace window of the bench config (the relay's default is 10 s; shorter keeps the run short). */
export const BENCH_GRACE_MS = 3000;

/**
 * Origin the generator sends for site `id`.
 * @param {string} id
 */
export const benchOrigin = (id) => `https://${id}.bench.example`;

/**
 * The relay config of the bench: `sites` sites s1..sN, one operator each.
 * @param {{ transport: string, sites: number }} o
 */
export function benchConfig(o) {
  const key = `sha256:${createHash('sha256').update(BENCH_OPERATOR_KEY, 'utf8').digest('hex')}`;
  return {
    host: '127.0.0.1',
    port: 0,
    transport: o.transport,
    sites: Array.from({ length: o.sites }, (_, i) => ({
      id: `s${i + 1}`,
      name: `Bench site ${i + 1}`,
      origins: [benchOrigin(`s${i + 1}`)],
      operators: [{ id: `op${i + 1}`, name: `Operator ${i + 1}`, key }],
    })),
    mail: { transport: 'log' },
    session: { graceMs: BENCH_GRACE_MS, maxPerSite: 1_000_000 },
    limits: {
      connectionsPerAddress: 1_000_000,
      rate: 1_000_000,
      burst: 1_000_000,
      floodClose: 1_000_000,
      handshakeTimeoutMs: 30_000,
      idleTimeoutSec: 120,
      // The generator shares a busy machine: when it is starved for a moment, the relay must
      // not close an operator as a slow reader (its 256 KB default) and lose the rest of the run.
      maxBackpressureBytes: 64 * 1024 * 1024,
    },
  };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ name, /** @type {string} */ def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? /** @type {string} */ (args[i + 1]) : def;
  };
  const relayModule = /** @type {any} */ (await import('@conduit-chat/relay'));
  if (typeof relayModule.startRelay !== 'function') {
    process.stderr.write('conduit-server: @conduit-chat/relay has no startRelay yet\n');
    process.exit(2);
  }
  const transport = opt('transport', 'uws');
  // The relay's default logger (pino, info, stdout), made here so that `mem` can flush it.
  const logger = relayModule.createLogger('info');
  // Cluster mode for bench/cluster.mjs: the same config on a Redis bus.
  const redisUrl = process.env.CONDUIT_REDIS_URL;
  const relay = await relayModule.startRelay(
    {
      ...benchConfig({ transport, sites: Number(opt('sites', '10')) }),
      ...(redisUrl ? { cluster: { redisUrl, handoverMs: 0 } } : {}),
    },
    { logger },
  );
  if (relay.transport !== transport) {
    process.stderr.write(`conduit-server: asked for ${transport}, got ${relay.transport}\n`);
    process.exit(3);
  }
  announce({ port: relay.port, server: `conduit-${relay.transport}` });
  serveControl(
    () => {
      const s = relay.stats();
      return { sessions: s.sessions, connections: s.connections };
    },
    () => new Promise((resolve) => logger.flush(() => resolve(undefined))),
  );
  const stop = () => {
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`conduit-server: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
