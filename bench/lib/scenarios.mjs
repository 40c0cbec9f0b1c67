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
 * Routing, interleaved: every server is started with its own generator, M operators (one per
 * site) and N visitors with hello done; then the closed loop and each open-loop rate run in
 * rounds, one server at a time, the order rotating each round. Interleaving spreads whatever
 * else the machine is doing over all servers alike; the figures add the rounds up.
 * @param {ServerSpec[]} specs
 * @param {Common} common
 * @param {{ rounds: number, visitors: number, operators: number, closed: { warmupMs: number, measureMs: number }, open: { rates: number[], warmupMs: number, measureMs: number, drainMs: number } }} o
 * @param {(line: string) => void} log
 * @returns {Promise<Record<string, { routing?: any, routingError?: string }>>}
 */
export async function routing(specs, common, o, log) {
  /** @type {Record<string, { routing?: any, routingError?: string }>} */
  const out = {};
  /** @type {{ spec: ServerSpec, server: import('./processes.mjs').ServerProc, gen: import('./processes.mjs').GeneratorProc, closed: any[], open: Map<number, any[]> }[]} */
  const live = [];
  try {
    for (const spec of specs) {
      out[spec.name] = {};
      try {
        const server = await startServer({
          script: spec.script,
          args: spec.args,
          core: SERVER_CORE,
        });
        const gen = startGenerator(GENERATOR_CORE);
        live.push({ spec, server, gen, closed: [], open: new Map() });
        await gen.call('init', {
          host: '127.0.0.1',
          port: server.port,
          pid: server.pid,
          dialect: spec.dialect,
          ...common,
        });
        const ops = await gen.call('connect', {
          role: 'operator',
          count: o.operators,
          timeoutMs: 10_000,
        });
        if (ops.ok !== o.operators)
          throw new Error(`operators failed: ${JSON.stringify(ops.reasons)}`);
        const vis = await gen.call('connect', {
          role: 'visitor',
          count: o.visitors,
          timeoutMs: 30_000,
        });
        if (vis.ok !== o.visitors)
          throw new Error(`visitors failed: ${JSON.stringify(vis.reasons)}`);
      } catch (err) {
        out[spec.name] = {
          routingError: errorText(err, live.find((l) => l.spec === spec)?.server),
        };
        log(`${spec.name} routing setup FAILED: ${out[spec.name]?.routingError}`);
        const i = live.findIndex((l) => l.spec === spec);
        if (i >= 0) await stopLive(live.splice(i, 1));
      }
    }
    /** @param {number} round */
    const rotated = (round) => live.map((_, i) => live[(i + round) % live.length]);
    // Only the measured server runs: the others are stopped (SIGSTOP), so that their idle-time
    // work (V8's memory reducer collecting a big heap, heartbeats) cannot steal the shared
    // server core from it. Their sockets stay open; the generators keep running.
    /** @param {(typeof live)[number]} on */
    const only = (on) => {
      for (const l of live) process.kill(l.server.pid, l === on ? 'SIGCONT' : 'SIGSTOP');
    };
    for (let round = 0; round < o.rounds; round++) {
      for (const l of rotated(round)) {
        if (!l) continue;
        only(l);
        const r = await l.gen.call('closedLoop', o.closed);
        l.closed.push(r);
        log(
          `${l.spec.name} closed loop ${round + 1}/${o.rounds}: ${Math.round(r.msgsPerSec)} msg/s, ${Math.round(r.msgsPerCpuSec)} per CPU-s`,
        );
      }
    }
    for (const rate of o.open.rates) {
      for (let round = 0; round < o.rounds; round++) {
        for (const l of rotated(round)) {
          if (!l) continue;
          only(l);
          const r = await l.gen.call('openLoop', { ...o.open, rate });
          l.open.set(rate, [...(l.open.get(rate) ?? []), r]);
          log(
            `${l.spec.name} open loop ${rate}/s ${round + 1}/${o.rounds}: p50 ${(r.latencyUs.p50 / 1000).toFixed(2)} ms, p99 ${(r.latencyUs.p99 / 1000).toFixed(2)} ms`,
          );
        }
      }
    }
    for (const l of live) {
      out[l.spec.name] = {
        routing: {
          closed: sumClosed(l.closed),
          open: [...l.open.entries()].map(([rate, rounds]) => sumOpen(rate, rounds)),
        },
      };
    }
  } catch (err) {
    for (const l of live) out[l.spec.name] = { routingError: errorText(err, l.server) };
  } finally {
    await stopLive(live);
  }
  return out;
}

/** @param {{ server: import('./processes.mjs').ServerProc, gen: import('./processes.mjs').GeneratorProc }[]} list */
async function stopLive(list) {
  for (const l of list) {
    try {
      process.kill(l.server.pid, 'SIGCONT'); // a stopped process would not see SIGTERM
    } catch {
      // already gone
    }
  }
  for (const l of list) {
    await l.gen.stop();
    await l.server.stop();
  }
}

/**
 * @param {unknown} err
 * @param {import('./processes.mjs').ServerProc} [server]
 */
function errorText(err, server) {
  const tail = server?.logTail() ?? '';
  return `${/** @type {Error} */ (err).message}${tail ? `\nserver stderr:\n${tail}` : ''}`;
}

/**
 * Rounds of the closed loop added up: totals over totals, plus the spread between rounds.
 * @param {any[]} rounds
 */
function sumClosed(rounds) {
  const total = (/** @type {string} */ k) => rounds.reduce((a, r) => a + r[k], 0);
  const msgs = total('msgs');
  const seconds = total('seconds');
  const cpu = total('serverCpuSec');
  const perCpu = rounds.map((r) => r.msgsPerCpuSec);
  return {
    rounds: rounds.length,
    visitors: rounds[0]?.visitors,
    operators: rounds[0]?.operators,
    msgs,
    seconds,
    msgsPerSec: msgs / seconds,
    serverCpuSec: cpu,
    serverCpuPct: (100 * cpu) / seconds,
    msgsPerCpuSec: msgs / cpu,
    msgsPerCpuSecMin: Math.min(...perCpu),
    msgsPerCpuSecMax: Math.max(...perCpu),
    genCpuPct: rounds.reduce((a, r) => a + r.genCpuPct * r.seconds, 0) / seconds,
    errors: total('errors'),
  };
}

/**
 * Rounds of one open-loop rate: the latency of every round together, losses added up.
 * @param {number} rate
 * @param {any[]} rounds
 */
function sumOpen(rate, rounds) {
  const last = rounds[rounds.length - 1];
  return {
    rate,
    rounds: rounds.length,
    expected: rounds.reduce((a, r) => a + r.expected, 0),
    received: rounds.reduce((a, r) => a + r.received, 0),
    lost: rounds.reduce((a, r) => a + r.lost, 0),
    unsent: rounds.reduce((a, r) => a + r.unsent, 0),
    latencyUs: last.allRoundsUs,
    p99ByRoundUs: rounds.map((r) => r.latencyUs.p99),
    lateByRoundUs: rounds.map((r) => r.senderLateP99Us),
    lostByRound: rounds.map((r) => r.lost),
    senderLateMaxUs: Math.max(...rounds.map((r) => r.senderLateMaxUs)),
    senderLateP99Us: Math.max(...rounds.map((r) => r.senderLateP99Us)),
    genGcMaxMs: Math.max(...rounds.map((r) => r.genGcMaxMs ?? 0)),
    genGcTotalMs: rounds.reduce((a, r) => a + (r.genGcTotalMs ?? 0), 0),
    serverCpuPct: rounds.reduce((a, r) => a + r.serverCpuPct, 0) / rounds.length,
    genCpuPct: rounds.reduce((a, r) => a + r.genCpuPct, 0) / rounds.length,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}

/**
 * Node flags of every server in the memory part: a young generation of a fixed size (V8 would
 * otherwise grow it from 1 MB to 16 MB semi-spaces at whichever step first allocates fast, a
 * one-time ~32 MB jump that a least-squares slope over 20 000 sessions reads as ~0.8 KB per
 * session). With `touchYoungGeneration` (server-control.mjs) before each measurement it is in
 * every point whole, so the slope counts only what the sessions hold.
 */
export const MEMORY_NODE_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

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
  return withServer(spec, common, ['--expose-gc', ...MEMORY_NODE_FLAGS], async (server, gen) => {
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
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
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
