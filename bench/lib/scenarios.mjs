import { sleep } from './load-generator.mjs';
import { startGenerator, startServer } from './processes.mjs';

// The server scenarios, run the same way against every server: routing (closed loop capacity,
// open loop latency) and memory (idle sessions in steps, concurrency ramp, churn).

/** Core the server is pinned to; the generator gets the other one. */
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;

/**
 * @typedef {object} ServerSpec
 * @property {string} name table label
 * @property {string} script
 * @property {string[]} args
 * @property {'conduit' | 'socket.io'} dialect
 * @property {number} graceMs how long an ended socket's session lives on
 */

/**
 * @typedef {object} Common
 * @property {{ id: string, origin: string }[]} sites
 * @property {string} operatorKey
 * @property {string[]} sourceAddresses
 */

/**
 * @param {ServerSpec} spec
 * @param {Common} common
 * @param {string[]} nodeArgs
 * @param {(server: import('./processes.mjs').ServerProc, gen: import('./processes.mjs').GeneratorProc) => Promise<any>} body
 */
async function withServer(spec, common, nodeArgs, body) {
  const server = await startServer({
    script: spec.script,
    args: spec.args,
    nodeArgs,
    core: SERVER_CORE,
  });
  const gen = startGenerator(GENERATOR_CORE);
  try {
    await gen.call('init', {
      host: '127.0.0.1',
      port: server.port,
      pid: server.pid,
      dialect: spec.dialect,
      ...common,
    });
    return await body(server, gen);
  } catch (err) {
    const tail = server.logTail();
    throw new Error(
      `${/** @type {Error} */ (err).message}${tail ? `\nserver stderr:\n${tail}` : ''}`,
    );
  } finally {
    await gen.stop();
    await server.stop();
  }
}

/**
 * Routing: M operators (one per site), N visitors with hello done, then the closed loop and the
 * open loop at each rate, all on one server process.
 * @param {ServerSpec} spec
 * @param {Common} common
 * @param {{ visitors: number, operators: number, closed: { warmupMs: number, measureMs: number }, open: { rates: number[], warmupMs: number, measureMs: number, drainMs: number } }} o
 */
export function routing(spec, common, o) {
  return withServer(spec, common, [], async (_server, gen) => {
    const ops = await gen.call('connect', {
      role: 'operator',
      count: o.operators,
      timeoutMs: 10_000,
    });
    if (ops.ok !== o.operators) throw new Error(`operators failed: ${JSON.stringify(ops.reasons)}`);
    const vis = await gen.call('connect', {
      role: 'visitor',
      count: o.visitors,
      timeoutMs: 30_000,
    });
    if (vis.ok !== o.visitors) throw new Error(`visitors failed: ${JSON.stringify(vis.reasons)}`);
    const closed = await gen.call('closedLoop', o.closed);
    /** @type {any[]} */
    const open = [];
    for (const rate of o.open.rates) {
      open.push(await gen.call('openLoop', { rate, ...o.open }));
    }
    return { connectMs: vis.ms, closed, open };
  });
}

/**
 * Memory and concurrency: a warm-up round, a GC'd baseline, idle sessions in steps (GC and
 * memory at each), the last step being the concurrency ramp (stops at the RSS limit, a failure,
 * the count or the time bound); then every visitor disconnects, the grace window passes, GC,
 * and the heap is compared with the baseline.
 * @param {ServerSpec} spec
 * @param {Common} common
 * @param {{ warmup: number, steps: number[], rssLimit: number, rampTimeMs: number }} o
 */
export function memory(spec, common, o) {
  return withServer(spec, common, ['--expose-gc'], async (server, gen) => {
    await gen.call('connect', { role: 'visitor', count: o.warmup, timeoutMs: 30_000 });
    await gen.call('closeVisitors', { timeoutMs: 10_000 });
    await sleep(spec.graceMs + 1000);
    const baseline = await server.mem();
    /** @type {{ sessions: number, rss: number, heapUsed: number, external: number }[]} */
    const points = [{ sessions: 0, ...pick(baseline.mem) }];
    let held = 0;
    /** @type {any} */
    let ramp = null;
    for (const [i, target] of o.steps.entries()) {
      const last = i === o.steps.length - 1;
      const r = await gen.call('ramp', {
        count: target - held,
        rssLimit: o.rssLimit,
        timeMs: last ? o.rampTimeMs : 60_000,
      });
      held = (await gen.call('held')).visitors;
      const m = await server.mem();
      points.push({ sessions: held, ...pick(m.mem) });
      if (r.failed > 0 || r.stopped) {
        ramp = { ...r, held, target };
        break;
      }
      if (last) ramp = { ...r, held, target };
    }
    const peakRss = Math.max(...points.map((p) => p.rss));
    await gen.call('closeVisitors', { timeoutMs: 20_000 });
    await sleep(spec.graceMs + 1500);
    const after = await server.mem();
    return {
      baseline: pick(baseline.mem),
      points,
      slope: {
        rss: slope(points, 'rss'),
        heapUsed: slope(points, 'heapUsed'),
        external: slope(points, 'external'),
      },
      ramp,
      peakRss,
      churn: { after: pick(after.mem), sessionsLeft: after.sessions ?? null },
    };
  });
}

/** @param {any} m */
function pick(m) {
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

/**
 * Least-squares slope of `key` against sessions, in bytes per session.
 * @param {{ sessions: number }[]} points
 * @param {string} key
 */
export function slope(points, key) {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const xs = points.map((p) => p.sessions);
  const ys = points.map((p) => /** @type {any} */ (p)[key]);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
