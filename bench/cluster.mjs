import WebSocket from 'ws';
import { BENCH_OPERATOR_KEY, benchOrigin } from './conduit-server.mjs';
import { cpuSeconds } from './lib/proc-stats.mjs';
import { BENCH_DIR, startServer } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';

// Cross-node routing cost (issue 14): chat messages routed per CPU-second of every process
// involved, for the same closed-loop workload on one relay and on two relays joined by
// Redis pub/sub (visitors on node B, operators on node A, so every message crosses Redis;
// the CPU of A, B and redis-server is summed). Needs the built relay (npm run build).
// Usage: node bench/cluster.mjs [--sites 10] [--visitors 20] [--window 5]
// Prints a Markdown table and a `CLUSTER {json}` line. Traffic only to 127.0.0.1.

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const SITES = opt('sites', 10);
const VISITORS_PER_SITE = opt('visitors', 20);
const WINDOW_S = opt('window', 5);
const TEXT = 'x'.repeat(100);

/** Opens a socket and waits for the first frame of type `t` after sending `first`. */
function open(url, origin, first, t) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify(first)));
    const onMessage = (data) => {
      if (JSON.parse(String(data)).t === t) {
        ws.off('message', onMessage);
        resolve(ws);
      }
    };
    ws.on('message', onMessage);
  });
}

/**
 * One measurement: operators on `opPort`, visitors on `visitorPort`, closed loop for the window.
 * @param {number} opPort
 * @param {number} visitorPort
 * @param {number[]} pids every process whose CPU counts
 */
async function measure(opPort, visitorPort, pids) {
  const sockets = [];
  let delivered = 0;
  let running = true;
  for (let s = 1; s <= SITES; s++) {
    const site = `s${s}`;
    const op = await open(
      `ws://127.0.0.1:${opPort}/v1/operator?site=${site}`,
      benchOrigin(site),
      { t: 'auth', v: 1, key: BENCH_OPERATOR_KEY },
      'ready',
    );
    op.on('message', (data) => {
      // Only visitor messages count (a substring test: the harness's CPU is not measured, but
      // keep it light so the relays stay the bottleneck).
      if (String(data).startsWith('{"t":"msg"')) delivered++;
    });
    sockets.push(op);
  }
  // Let presence settle across nodes before the visitors arrive.
  await new Promise((r) => setTimeout(r, 300));
  for (let s = 1; s <= SITES; s++) {
    const site = `s${s}`;
    for (let v = 0; v < VISITORS_PER_SITE; v++) {
      const ws = await open(
        `ws://127.0.0.1:${visitorPort}/v1/visitor?site=${site}`,
        benchOrigin(site),
        {
          t: 'hello',
          v: 1,
          page: { url: `${benchOrigin(site)}/`, title: 'Bench' },
          client: { lang: 'en', tz: 'UTC', screen: { w: 1, h: 1 } },
        },
        'welcome',
      );
      let n = 0;
      const next = () => {
        if (running) ws.send(JSON.stringify({ t: 'msg', id: `m${++n}`, text: TEXT }));
      };
      ws.on('message', (data) => {
        if (String(data).startsWith('{"t":"ack"')) next();
      });
      sockets.push(ws);
      next();
    }
  }
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  const cpu0 = pids.map(cpuSeconds);
  const d0 = delivered;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const cpu = pids.map((p, i) => cpuSeconds(p) - /** @type {number} */ (cpu0[i]));
  const msgs = delivered - d0;
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  for (const ws of sockets) ws.terminate();
  const total = cpu.reduce((a, b) => a + b, 0);
  return { msgs, seconds, cpu, perCpuSecond: msgs / total, perSecond: msgs / seconds };
}

/**
 * Runs both setups; returns the figures and the Markdown lines of the report.
 * @returns {Promise<{ single: any, two: any, lines: string[] }>}
 */
export async function clusterBench() {
  const script = `${BENCH_DIR}conduit-server.mjs`;
  const one = await startServer({
    script,
    args: ['--transport', 'uws', '--sites', String(SITES)],
    core: 0,
  });
  const single = await measure(one.port, one.port, [one.pid]);
  await one.stop();

  const redis = await startRedis();
  const env = { CONDUIT_REDIS_URL: redis.url };
  const common = { script, args: ['--transport', 'uws', '--sites', String(SITES)], env };
  const a = await startServer({ ...common, core: 0 });
  const b = await startServer({ ...common, core: 1 });
  const two = await measure(a.port, b.port, [a.pid, b.pid, redis.pid]);
  await a.stop();
  await b.stop();
  redis.child.kill('SIGTERM');

  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const rows = [
    '| setup | msgs routed | msgs/s | CPU-s (processes) | msgs per CPU-second |',
    '| --- | ---: | ---: | --- | ---: |',
    `| one node (uws) | ${fmt(single.msgs)} | ${fmt(single.perSecond)} | relay ${single.cpu[0]?.toFixed(2)} | ${fmt(single.perCpuSecond)} |`,
    `| two nodes + Redis, every message crosses | ${fmt(two.msgs)} | ${fmt(two.perSecond)} | A ${two.cpu[0]?.toFixed(2)} + B ${two.cpu[1]?.toFixed(2)} + redis ${two.cpu[2]?.toFixed(2)} | ${fmt(two.perCpuSecond)} |`,
  ];
  const lines = [
    ...rows,
    '',
    `${SITES} sites × ${VISITORS_PER_SITE} visitors in a closed loop (next message on ack), ${WINDOW_S} s window, 100-character messages; cross-node / one-node msgs per CPU-second = **${(two.perCpuSecond / single.perCpuSecond).toFixed(2)}**.`,
  ];
  return { single, two, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  clusterBench().then(
    (r) => {
      console.log(r.lines.join('\n'));
      console.log(`CLUSTER ${JSON.stringify({ single: r.single, two: r.two })}`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
