import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { clusterBench } from './cluster.mjs';
import { clusterHoldBench } from './cluster-hold.mjs';
import { BENCH_GRACE_MS, BENCH_OPERATOR_KEY, benchOrigin } from './conduit-server.mjs';
import { TEXT_CHARS } from './lib/load-generator.mjs';
import { mailBench } from './lib/mail-bench.mjs';
import { machine, openFileLimit } from './lib/proc-stats.mjs';
import { BENCH_DIR, PINNED } from './lib/processes.mjs';
import { BARE, CONDUIT_UWS, CONDUIT_WS, renderMarkdown, SOCKET_IO } from './lib/report.mjs';
import { MEMORY_NODE_FLAGS, memory, routing } from './lib/scenarios.mjs';
import { widgetBoot, widgetSize } from './lib/widget-bench.mjs';

// `npm run bench`: every scenario against every server in one run, a Markdown table printed and
// written to bench/RESULTS.md. Options:
//   --quick            tiny sizes and windows (seconds), for development; writes no RESULTS.md
//   --only=a,b         servers: bare-uws, socket.io, conduit-uws, conduit-ws
//   --skip=a,b         parts: build, routing, memory, widget, mail, cluster, cluster-hold
//   --out=FILE         where to write the Markdown (default bench/RESULTS.md; none with --quick)
//   --note=TEXT        a line for the report (e.g. that the machine was shared)
//   --json=FILE        also write the raw results as JSON
//   --render=FILE      only render a JSON written by --json (to stdout, and to --out if given)

/** The whole run must stay under 10 minutes; parts that would start after this are skipped. */
const BUDGET_MS = 9 * 60 * 1000;
/** Bound on building one package. */
const BUILD_TIMEOUT_MS = 180_000;
/** Conduit RSS ceiling of the concurrency goal. */
const RSS_LIMIT = 400 * 1024 * 1024;

const argv = process.argv.slice(2);
const flag = (/** @type {string} */ name) => argv.includes(`--${name}`);
const option = (/** @type {string} */ name) =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag('quick');
const only = option('only')?.split(',');
const skip = new Set(option('skip')?.split(',') ?? []);
const out = option('out') ?? (quick ? undefined : `${BENCH_DIR}RESULTS.md`);

const SITES = quick ? 4 : 10;
const fdLimit = openFileLimit();
/** Most sessions one process can hold here: leave room for listeners, pipes, files. */
const holdMax = Math.min(100_000, fdLimit - 250);
const SOURCE_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

const params = {
  textChars: TEXT_CHARS,
  routing: quick
    ? {
        rounds: 2,
        visitors: 100,
        operators: SITES,
        closed: { warmupMs: 300, measureMs: 700 },
        open: { rates: [1000, 5000], warmupMs: 200, measureMs: 700, drainMs: 500 },
      }
    : {
        rounds: 3,
        visitors: 1000,
        operators: SITES,
        closed: { warmupMs: 1000, measureMs: 3000 },
        open: { rates: [5000, 20_000], warmupMs: 500, measureMs: 3000, drainMs: 1500 },
      },
  memory: {
    warmup: quick ? 50 : 500,
    steps: quick ? [200, 500, 1000] : [1000, 2500, 5000, 10_000, 15_000, holdMax],
    rssLimit: RSS_LIMIT,
    rampTimeMs: quick ? 10_000 : 60_000,
    sourceAddresses: SOURCE_ADDRESSES.length,
    nodeFlags: MEMORY_NODE_FLAGS.join(' '),
  },
};

const common = {
  sites: Array.from({ length: SITES }, (_, i) => ({
    id: `s${i + 1}`,
    origin: benchOrigin(`s${i + 1}`),
  })),
  operatorKey: BENCH_OPERATOR_KEY,
  sourceAddresses: SOURCE_ADDRESSES,
};

/** @type {import('./lib/scenarios.mjs').ServerSpec[]} */
const ALL_SERVERS = [
  {
    name: BARE,
    script: `${BENCH_DIR}peers/uws-forwarder.mjs`,
    args: [],
    dialect: 'conduit',
    graceMs: 0,
  },
  {
    name: SOCKET_IO,
    script: `${BENCH_DIR}peers/socketio-relay.mjs`,
    args: [],
    dialect: 'socket.io',
    graceMs: 0,
  },
  {
    name: CONDUIT_UWS,
    script: `${BENCH_DIR}conduit-server.mjs`,
    args: ['--transport', 'uws', '--sites', String(SITES)],
    dialect: 'conduit',
    graceMs: BENCH_GRACE_MS,
  },
  {
    name: CONDUIT_WS,
    script: `${BENCH_DIR}conduit-server.mjs`,
    args: ['--transport', 'ws', '--sites', String(SITES)],
    dialect: 'conduit',
    graceMs: BENCH_GRACE_MS,
  },
];

const t0 = performance.now();
const overBudget = () => performance.now() - t0 > BUDGET_MS;
/** @param {string} s */
const log = (s) =>
  process.stderr.write(
    `[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${s}\n`,
  );

/** Builds protocol, mail, relay and widget (a failed build leaves that part "not available"). */
function build() {
  /** @type {Record<string, boolean>} */
  const built = {};
  for (const pkg of ['protocol', 'mail', 'relay', 'widget']) {
    const r = spawnSync('npm', ['run', '--silent', 'build', '-w', `@conduit-chat/${pkg}`], {
      cwd: `${BENCH_DIR}..`,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: BUILD_TIMEOUT_MS,
    });
    built[pkg] = r.status === 0;
    log(
      `build ${pkg}: ${built[pkg] ? 'ok' : `failed (${String(r.stderr).trim().split('\n')[0] ?? ''})`}`,
    );
  }
  return built;
}

/** Why Conduit cannot run yet, or '' when it can. */
async function conduitMissing() {
  const dist = `${BENCH_DIR}../packages/relay/dist/index.js`;
  if (!existsSync(dist)) return 'not available yet (packages/relay not built)';
  try {
    const m = await import('@conduit-chat/relay');
    return typeof (/** @type {any} */ (m).startRelay) === 'function'
      ? ''
      : 'not available yet (no startRelay in @conduit-chat/relay)';
  } catch (err) {
    return `not available yet (${String(/** @type {Error} */ (err).message).split('\n')[0]})`;
  }
}

async function main() {
  const loadAtStart = loadAverage();
  if (!skip.has('build')) build();
  const missing = await conduitMissing();
  const servers = ALL_SERVERS.filter((s) => !only || only.includes(s.name));
  /** @type {Record<string, any>} */
  const results = {};
  for (const s of servers) {
    results[s.name] = {};
    if (s.name.startsWith('conduit') && missing) {
      results[s.name].skipped = missing;
      log(`${s.name}: ${missing}`);
    }
  }
  const runnable = servers.filter((s) => !results[s.name].skipped);

  if (!skip.has('routing') && runnable.length) {
    log(
      `routing: ${runnable.map((s) => s.name).join(', ')} (${params.routing.rounds} interleaved rounds)`,
    );
    const r = await routing(runnable, common, params.routing, log);
    for (const [name, v] of Object.entries(r)) Object.assign(results[name], v);
    for (const s of runnable) {
      const v = results[s.name];
      log(
        `${s.name} routing: ${v.routing ? summary('routing', v.routing) : `FAILED ${v.routingError}`}`,
      );
    }
  }
  if (!skip.has('memory')) {
    for (const s of runnable) {
      if (overBudget()) {
        results[s.name].memoryError = 'time budget';
        log(`${s.name} memory: skipped (time budget)`);
        continue;
      }
      log(`${s.name} memory ...`);
      try {
        results[s.name].memory = await memory(s, common, params.memory);
        log(`${s.name} memory: ${summary('memory', results[s.name].memory)}`);
      } catch (err) {
        results[s.name].memoryError = String(/** @type {Error} */ (err).message);
        log(`${s.name} memory FAILED: ${/** @type {Error} */ (err).message}`);
      }
    }
  }

  /** @type {any} */
  let widget = null;
  if (!skip.has('widget')) {
    const size = widgetSize();
    widget = {
      size,
      reason: size ? undefined : 'packages/widget/dist/widget.js or app.js not built',
    };
    if (size && !overBudget()) {
      log('widget boot ...');
      try {
        widget.boot = await widgetBoot(quick ? 5 : 20);
      } catch (err) {
        widget.bootReason = `failed: ${String(/** @type {Error} */ (err).message).split('\n')[0]}`;
      }
    }
    log(`widget: ${size ? `${size.gzip} B gzip` : 'not available yet'}`);
  }

  /** @type {any} */
  let mail = null;
  if (!skip.has('mail') && !overBudget()) {
    log('mail bench ...');
    mail = await mailBench();
    log(`mail: ${mail ? `${mail.transcriptsPerSec} transcripts/s` : 'not available yet'}`);
  }

  /** @type {any} */
  let cluster = null;
  if (!skip.has('cluster') && !overBudget() && !quick) {
    log('cluster bench (two relays on redis vs one) ...');
    try {
      cluster = await clusterBench();
      log(`cluster: ${cluster.lines.at(-1)}`);
    } catch (err) {
      cluster = { error: String(err) };
      log(`cluster: failed: ${err}`);
    }
  }

  /** @type {any} */
  let clusterHold = null;
  if (!skip.has('cluster-hold') && !overBudget() && !quick) {
    log('cluster hold (100 000 visitors across five relays) ...');
    try {
      clusterHold = await clusterHoldBench();
      log(`cluster hold: ${clusterHold.total} visitors held`);
    } catch (err) {
      clusterHold = { error: String(err) };
      log(`cluster hold: failed: ${err}`);
    }
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    pinned: PINNED,
    fdLimit,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    note:
      option('note') ??
      `machine shared with other work: load average (1/5/15 min) ${loadAtStart} at the start, ${loadAverage()} at the end, on ${machine().cores} cores; figures measured in one run compare with each other, not with other runs`,
    params,
    servers: results,
    widget,
    mail,
    cluster,
    clusterHold,
    durationSec: (performance.now() - t0) / 1000,
  };
  const md = renderMarkdown(report);
  process.stdout.write(`${md}\n`);
  for (const [name, r] of Object.entries(results)) {
    for (const phase of ['routing', 'memory']) {
      if (r[`${phase}Error`])
        process.stdout.write(`\n${name} ${phase} error: ${r[`${phase}Error`]}\n`);
    }
  }
  const json = option('json');
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  if (out) {
    writeFileSync(out, `${md}\n`);
    log(`wrote ${out}`);
  }
}

/**
 * One-line progress summary.
 * @param {string} phase
 * @param {any} r
 */
function summary(phase, r) {
  if (phase === 'routing') {
    const lat = r.open.map(
      (/** @type {any} */ o) => `${o.rate}/s p99 ${(o.latencyUs.p99 / 1000).toFixed(2)} ms`,
    );
    return `${Math.round(r.closed.msgsPerSec)} msg/s, ${Math.round(r.closed.msgsPerCpuSec)} per CPU-s; ${lat.join(', ')}`;
  }
  return `${Math.round(r.slope.rss)} B RSS/session, held ${r.ramp?.held}`;
}

/**
 * Renders saved results again (e.g. after a change to the report), without measuring.
 * @param {string} file
 */
async function renderOnly(file) {
  const md = renderMarkdown(JSON.parse(readFileSync(file, 'utf8')));
  process.stdout.write(`${md}\n`);
  const to = option('out');
  if (to) writeFileSync(to, `${md}\n`);
}

/** The 1/5/15-minute load averages: how much other work shared the machine. */
function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
  } catch {
    return 'unknown';
  }
}

const render = option('render');
(render ? renderOnly(render) : main()).catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
