import WebSocket from 'ws';
import { BENCH_OPERATOR_KEY, benchOrigin } from './conduit-server.mjs';
import { BENCH_DIR, startGenerator, startServer } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
import { MEMORY_NODE_FLAGS } from './lib/scenarios.mjs';

// Concurrent visitors held by a cluster (issue 14): `--nodes` relays on one redis-server, one
// load generator per node (this machine allows 20 000 open files per process, so one relay
// cannot hold 100 000 sockets), `--per-node` idle visitors each. Reports RSS per session per
// node (after a forced GC, against each node's baseline) and how long a console signing in on
// node 1 takes to list every visitor of its site (ready + the other nodes' snapshots).
// Usage: node bench/cluster-hold.mjs [--nodes 5] [--per-node 19900] [--sites 1]

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const NODES = opt('nodes', 5);
// 20 000 open files per process, minus the relay's own (listen socket, Redis, stdio, …).
const PER_NODE = opt('per-node', 19_900);
const SITES = opt('sites', 1);

/** Signs an operator in on `port` for `site` and counts the visitors it is shown. */
function operatorView(port, site, expected) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const seen = new Set();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/operator?site=${site}`, {
      origin: benchOrigin(site),
      perMessageDeflate: false,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve({ site, seen: seen.size, ms: Number.NaN });
    }, 120_000);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'auth', v: 1, key: BENCH_OPERATOR_KEY })));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data));
      if (f.t === 'ready') for (const v of f.visitors) seen.add(v.session);
      else if (f.t === 'visitor') seen.add(f.visitor.session);
      if (seen.size >= expected) {
        clearTimeout(timer);
        ws.terminate();
        resolve({ site, seen: seen.size, ms: performance.now() - t0 });
      }
    });
  });
}

/** Runs the hold; returns the figures and the Markdown lines of the report. */
export async function clusterHoldBench() {
  const redis = await startRedis();
  const sites = Array.from({ length: SITES }, (_, i) => ({
    id: `s${i + 1}`,
    origin: benchOrigin(`s${i + 1}`),
  }));
  const servers = [];
  const gens = [];
  try {
    for (let i = 0; i < NODES; i++) {
      servers.push(
        await startServer({
          script: `${BENCH_DIR}conduit-server.mjs`,
          args: ['--transport', 'uws', '--sites', String(SITES)],
          nodeArgs: ['--expose-gc', ...MEMORY_NODE_FLAGS],
          core: i % 2,
          env: { CONDUIT_REDIS_URL: redis.url },
        }),
      );
    }
    const base = [];
    for (const s of servers) base.push((await s.mem()).mem.rss);
    for (let i = 0; i < NODES; i++) {
      const gen = startGenerator((i + 1) % 2);
      gens.push(gen);
      const s = /** @type {any} */ (servers[i]);
      await gen.call('init', {
        host: '127.0.0.1',
        port: s.port,
        pid: s.pid,
        dialect: 'conduit',
        sites,
        operatorKey: BENCH_OPERATOR_KEY,
        sourceAddresses: Array.from({ length: 4 }, (_, k) => `127.0.${i + 1}.${k + 2}`),
      });
    }
    const t0 = performance.now();
    const ramps = await Promise.all(
      gens.map((g) => g.call('connect', { role: 'visitor', count: PER_NODE, timeoutMs: 110_000 })),
    );
    const rampMs = performance.now() - t0;
    const held = [];
    for (const g of gens) held.push((await g.call('held')).visitors);
    const total = held.reduce((a, b) => a + b, 0);
    const rss = [];
    const sessions = [];
    for (const s of servers) {
      const m = await s.mem();
      rss.push(m.mem.rss);
      sessions.push(m.sessions);
    }
    // A console on node 1 lists every visitor of its site, wherever they are.
    const perSite = Math.floor(total / SITES);
    const view = await operatorView(/** @type {any} */ (servers[0]).port, 's1', perSite);
    const rows = servers.map((_, i) => {
      const grown = /** @type {number} */ (rss[i]) - /** @type {number} */ (base[i]);
      return `| node ${i + 1} | ${held[i]} | ${sessions[i]} | ${Math.round(/** @type {number} */ (rss[i]) / 2 ** 20)} MB | ${Math.round(grown / Math.max(1, /** @type {number} */ (held[i])))} B |`;
    });
    const lines = [
      '| node | visitors held | sessions | RSS | RSS per session (over its baseline) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      `| **all** | **${total}** | ${sessions.reduce((a, b) => a + b, 0)} | ${Math.round(rss.reduce((a, b) => a + b, 0) / 2 ** 20)} MB | |`,
      '',
      `${NODES} relays on one redis-server, one generator per node, ${SITES} site(s); every visitor connected and said hello in ${(rampMs / 1000).toFixed(1)} s (${ramps.reduce((a, r) => a + (r.failed ?? 0), 0)} failed). A console signing in on node 1 listed all ${view.seen} visitors of its site (${perSite} expected, on every node) in ${Math.round(view.ms)} ms.`,
    ];
    return { held, total, rss, base, sessions, rampMs, view, lines };
  } finally {
    for (const g of gens) await g.stop();
    for (const s of servers) await s.stop();
    redis.child.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  clusterHoldBench().then(
    (r) => {
      console.log(r.lines.join('\n'));
      console.log(`CLUSTER_HOLD ${JSON.stringify({ ...r, lines: undefined })}`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
