import { RANGE_US } from './histogram.mjs';

// Turns the results object of run.mjs into Markdown (printed, and written to RESULTS.md):
// one table per scenario, ratios against the bare uWS forwarder and Socket.IO, and the goals.

/** Labels of the servers, in table order. */
export const BARE = 'bare-uws';
export const SOCKET_IO = 'socket.io';
export const CONDUIT_UWS = 'conduit-uws';
export const CONDUIT_WS = 'conduit-ws';

/** Limits of the goals in the issue. */
export const GOALS = {
  cpuVsBare: 0.8,
  cpuVsSocketIo: 3,
  p99Us: 2000,
  p99Rate: 20_000,
  rssPerSession: 2048,
  concurrent: 100_000,
  churnPct: 5,
  widgetGzip: 10 * 1024,
  bootMs: 20,
  /** A latency round counts when the generator sent 99 % of its messages this close to schedule. */
  validLateUs: 1000,
};

/** @param {number} n */
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
/** @param {number} n @param {number} [d] */
const fix = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
/** @param {number} us */
const ms = (us) =>
  us >= RANGE_US ? `≥ ${RANGE_US / 1000}` : Number.isFinite(us) ? (us / 1000).toFixed(2) : '–';
/** @param {number} b */
const kb = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(2)} KB` : '–');
/** @param {number} b */
const mb = (b) => (Number.isFinite(b) ? `${(b / 1024 / 1024).toFixed(1)} MB` : '–');
/** @param {number} a @param {number} b */
const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';

/**
 * @param {string[]} head
 * @param {string[][]} rows
 */
function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * @param {any} r results of run.mjs
 * @returns {string}
 */
export function renderMarkdown(r) {
  const out = [];
  out.push('# Conduit benchmark results', '');
  out.push(`- date: ${r.date}`);
  out.push(
    `- machine: ${r.machine.model}, ${r.machine.cores} cores, ${r.machine.memGiB} GiB, Node ${r.machine.node}`,
  );
  out.push(
    `- processes: server and load generator in separate processes, ${r.pinned ? 'pinned with taskset (server core 0, generator core 1)' : 'not pinned (no taskset)'}; server CPU from /proc/<pid>/stat`,
  );
  out.push(`- open-file limit: ${int(r.fdLimit)} per process (hard limit; caps concurrency here)`);
  out.push(`- run: \`${r.command}\`, ${fix(r.durationSec, 0)} s in all`);
  if (r.note) out.push(`- note: ${r.note}`);
  out.push('');

  const names = Object.keys(r.servers);
  const routing = (/** @type {string} */ n) => r.servers[n]?.routing;
  const bareCpu = routing(BARE)?.closed?.msgsPerCpuSec;
  const sioCpu = routing(SOCKET_IO)?.closed?.msgsPerCpuSec;

  out.push('## Routing capacity (closed loop)', '');
  out.push(
    `${r.params.routing.visitors} visitors (hello done) chatting with ${r.params.routing.operators} operators (one per site), ${r.params.textChars}-character messages, one in flight per visitor; ${r.params.routing.rounds} rounds of ${r.params.routing.closed.measureMs / 1000} s (after ${r.params.routing.closed.warmupMs / 1000} s warm-up each), the servers interleaved in rotating order, totals over all rounds (range between rounds in brackets). A message counts when the operator has it.`,
    '',
  );
  out.push(
    table(
      [
        'server',
        'msgs/s',
        'server CPU',
        'msgs per CPU-s',
        'vs bare uWS',
        'vs Socket.IO',
        'generator CPU',
      ],
      names.map((n) => {
        const c = routing(n)?.closed;
        if (!c) return [n, ...Array(6).fill(skipText(r.servers[n], 'routing'))];
        return [
          n,
          int(c.msgsPerSec),
          `${fix(c.serverCpuPct, 0)} %`,
          `${int(c.msgsPerCpuSec)} (${int(c.msgsPerCpuSecMin)}–${int(c.msgsPerCpuSecMax)})`,
          ratio(c.msgsPerCpuSec, bareCpu),
          ratio(c.msgsPerCpuSec, sioCpu),
          `${fix(c.genCpuPct, 0)} %${c.errors ? `, ${c.errors} errors` : ''}`,
        ];
      }),
    ),
    '',
  );

  out.push('## Latency (open loop)', '');
  out.push(
    'Sends follow a schedule fixed in advance (round-robin over the visitors); latency runs from the scheduled send time to the operator reading the message, so a stall is charged to every message it delays (no coordinated omission). Milliseconds, all rounds together (and the p99 of each round, to show how much a busy moment of the machine weighs). "Sender late" is how far behind its schedule the generator sent (p99 of the worst round / max): when it is large, the generator was starved of CPU and the latencies include that. "Generator GC" is the longest and the summed garbage-collection pause of the load generator itself inside the measured windows (ms): a pause there delays its reading of the operators\' sockets and is counted as latency too.',
    '',
  );
  /** @type {string[][]} */
  const latRows = [];
  for (const n of names) {
    const open = routing(n)?.open;
    if (!open) {
      latRows.push([n, '–', ...Array(10).fill(skipText(r.servers[n], 'routing'))]);
      continue;
    }
    for (const o of open) {
      latRows.push([
        n,
        int(o.rate),
        ms(o.latencyUs.p50),
        ms(o.latencyUs.p90),
        ms(o.latencyUs.p99),
        ms(o.latencyUs.p999),
        ms(o.latencyUs.max),
        `${int(o.lost)}${o.unsent ? ` (+${int(o.unsent)} unsent)` : ''}`,
        `${fix(o.serverCpuPct, 0)} %`,
        `${ms(o.senderLateP99Us)} / ${ms(o.senderLateMaxUs)}`,
        o.genGcMaxMs === undefined ? '–' : `${fix(o.genGcMaxMs, 2)} / ${fix(o.genGcTotalMs, 1)}`,
        (o.p99ByRoundUs ?? []).map((/** @type {number} */ v) => ms(v)).join(' / '),
      ]);
    }
  }
  out.push(
    table(
      [
        'server',
        'msg/s',
        'p50',
        'p90',
        'p99',
        'p99.9',
        'max',
        'lost',
        'server CPU',
        'sender late p99 / max',
        'generator GC max / total',
        'p99 per round',
      ],
      latRows,
    ),
    '',
  );

  out.push('## Memory per idle session, concurrency, churn', '');
  out.push(
    `Idle visitor sessions (hello with page, referrer, language, time zone, screen and a desktop User-Agent) opened in steps from ${r.params.memory.sourceAddresses} source addresses (127.0.0.x); at each step the server runs gc() twice (--expose-gc) and reports RSS / heapUsed / external. Every server runs with a fixed young generation (${r.params.memory.nodeFlags ?? 'flags not recorded'}) and fills it once before each measurement, so V8's one-time growth of its nursery is in every point alike and not read as per-session memory. Slopes are least-squares over the steps. Concurrency: the last step ramps until ${mb(r.params.memory.rssLimit)} RSS, a failure, the open-file limit or ${r.params.memory.rampTimeMs / 1000} s. Churn: every visitor disconnects, the grace window passes, GC, heap compared with the baseline (taken after a warm-up round of ${r.params.memory.warmup} sessions).`,
    '',
  );
  const bareRss = r.servers[BARE]?.memory?.slope?.rss;
  const sioRss = r.servers[SOCKET_IO]?.memory?.slope?.rss;
  out.push(
    table(
      [
        'server',
        'RSS / session',
        'heap / session',
        'external / session',
        'vs bare uWS',
        'vs Socket.IO',
        'baseline RSS',
        'held (stop)',
        'at 400 MB (extrapolated)',
        'heap after churn',
      ],
      names.map((n) => {
        const m = r.servers[n]?.memory;
        if (!m) return [n, ...Array(9).fill(skipText(r.servers[n], 'memory'))];
        const extra = (r.params.memory.rssLimit - m.baseline.rss) / m.slope.rss;
        const churn = (100 * (m.churn.after.heapUsed - m.baseline.heapUsed)) / m.baseline.heapUsed;
        return [
          n,
          kb(m.slope.rss),
          kb(m.slope.heapUsed),
          kb(m.slope.external),
          ratio(m.slope.rss, bareRss),
          ratio(m.slope.rss, sioRss),
          mb(m.baseline.rss),
          `${int(m.ramp?.held)} (${stopText(m.ramp, r.params.memory.steps, r.fdLimit)})`,
          int(extra),
          `${mb(m.churn.after.heapUsed)} vs ${mb(m.baseline.heapUsed)} (${churn >= 0 ? '+' : ''}${fix(churn, 1)} %)`,
        ];
      }),
    ),
    '',
  );
  const steps = names.filter((n) => r.servers[n]?.memory);
  if (steps.length) {
    out.push('<details><summary>memory at each step</summary>', '');
    for (const n of steps) {
      out.push(`**${n}**`, '');
      out.push(
        table(
          ['sessions', 'RSS', 'heapTotal', 'heapUsed', 'external'],
          r.servers[n].memory.points.map((/** @type {any} */ p) => [
            int(p.sessions),
            mb(p.rss),
            mb(p.heapTotal),
            mb(p.heapUsed),
            mb(p.external),
          ]),
        ),
        '',
      );
    }
    out.push('</details>', '');
  }

  out.push('## Widget', '');
  if (!r.widget?.size)
    out.push(
      `not available yet: ${r.widget?.reason ?? 'packages/widget/dist/widget.js not built'}`,
      '',
    );
  else {
    const s = r.widget.size;
    const b = r.widget.boot;
    /** @param {string} name @param {{ raw: number, gzip: number, brotli: number } | undefined} f */
    const row = (name, f) => [
      name,
      f ? kb(f.raw) : '–',
      f ? kb(f.gzip) : '–',
      f ? kb(f.brotli) : '–',
    ];
    out.push(
      table(
        ['file', 'minified', 'gzip -9', 'brotli -q 11'],
        [
          row('widget.js (every page: the launcher facade)', s),
          row('widget/app.js (on the visitor’s intent: the chat)', s.app),
          row('both', s.both),
        ],
      ),
      '',
      table(
        [
          'boot median',
          'boot min / max',
          'click to open median',
          'click to open min / max',
          'long tasks > 50 ms',
        ],
        [
          [
            b
              ? `${fix(b.medianMs, 1)} ms (${b.loads} loads${b.failed ? `, ${b.failed} failed` : ''})`
              : (r.widget.bootReason ?? '–'),
            b ? `${fix(b.minMs, 1)} / ${fix(b.maxMs, 1)} ms` : '–',
            b ? `${fix(b.openMedianMs, 1)} ms` : '–',
            b ? `${fix(b.openMinMs, 1)} / ${fix(b.openMaxMs, 1)} ms` : '–',
            b
              ? `${b.longTasksOver50}${b.longTasksOver50 ? ` (longest ${fix(b.longestTaskMs, 0)} ms)` : ''}`
              : '–',
          ],
        ],
      ),
      '',
      'Boot: from widget.js received (Resource Timing `responseEnd`; compile, evaluation and first render count) to the launcher inside the `<conduit-chat>` shadow root (MutationObserver), fresh browser context per load, Chromium with the flags of `test-support/chromium.ts`.',
      'Click to open: from the click on the launcher (event `timeStamp`), with nothing preloaded, to the panel in the shadow root: app.js fetched from 127.0.0.1 (no cache), compiled, handed over and rendered. A real visitor’s hover or focus preloads app.js before the click.',
      '',
    );
  }

  out.push('## Mail', '');
  if (!r.mail) out.push('not available yet: the mail package has no `bench` script', '');
  else {
    out.push(
      `transcripts/s: **${int(r.mail.transcriptsPerSec)}** (from \`npm run bench -w @conduit-chat/mail\`${r.mail.ok ? '' : ', which exited non-zero'})`,
      '',
      '```',
      ...r.mail.output,
      '```',
      '',
    );
  }

  if (r.cluster) {
    out.push('## Cluster: cross-node routing (issue 14)', '');
    if (r.cluster.error) out.push(`failed: ${r.cluster.error}`, '');
    else out.push(...r.cluster.lines, '');
  }
  if (r.clusterHold) {
    out.push('## Cluster: concurrent visitors across relays (issue 14)', '');
    if (r.clusterHold.error) out.push(`failed: ${r.clusterHold.error}`, '');
    else out.push(...r.clusterHold.lines, '');
  }

  out.push('## Goals', '');
  out.push(table(['goal', 'measured', 'met', 'why not (when not met)'], goalRows(r)), '');
  return out.join('\n');
}

/**
 * @param {any} s server entry
 * @param {string} phase
 */
function skipText(s, phase) {
  if (!s) return 'not run';
  if (s.skipped) return s.skipped;
  return s[`${phase}Error`] ? 'failed' : 'not run';
}

/**
 * @param {any} ramp
 * @param {number[]} steps
 * @param {number} fdLimit
 */
function stopText(ramp, steps, fdLimit) {
  if (!ramp) return '–';
  if (ramp.stopped === 'rss') return 'RSS limit';
  if (ramp.stopped === 'time') return 'time bound';
  if (ramp.failed > 0) return Object.keys(ramp.reasons ?? {}).join(', ') || 'failure';
  const last = steps[steps.length - 1] ?? 0;
  if (ramp.held >= last)
    return last >= fdLimit - 250 ? 'count bound: open-file limit' : 'count bound';
  return 'stopped';
}

/** @param {any} r */
function goalRows(r) {
  /** @type {string[][]} */
  const rows = [];
  const yes = (/** @type {boolean} */ ok) => (ok ? 'yes' : '**no**');
  /** Adds the reason to a row whose third cell is not a plain yes. */
  const push = (/** @type {string[]} */ row, /** @type {string} */ reason) =>
    rows.push([...row, row[2] === 'yes' || row[2] === '–' ? '' : reason]);
  const bare = r.servers[BARE]?.routing?.closed?.msgsPerCpuSec;
  const sio = r.servers[SOCKET_IO]?.routing?.closed?.msgsPerCpuSec;
  for (const n of [CONDUIT_UWS, CONDUIT_WS]) {
    const s = r.servers[n];
    if (!s || s.skipped) {
      rows.push([`${n}: every relay goal`, s?.skipped ?? 'not run', '–', '']);
      continue;
    }
    const c = s.routing?.closed?.msgsPerCpuSec;
    push(
      [
        `${n}: msgs per CPU-s ≥ ${GOALS.cpuVsBare} × bare uWS`,
        ratio(c, bare),
        Number.isFinite(c / bare) ? yes(c / bare >= GOALS.cpuVsBare) : '–',
      ],
      n === CONDUIT_WS
        ? 'Node sockets under ws: the ack to each visitor is a writev of its own (~12 µs per message in the last profile) plus ~8 µs of stream internals, on top of the relay work (bench/profile.mjs --transport ws)'
        : 'what Conduit does per message beyond the forwarder: validate and clean the text, store it, ack it, queue it per operator (bench/README.md, profiling notes)',
    );
    push(
      [
        `${n}: msgs per CPU-s ≥ ${GOALS.cpuVsSocketIo} × Socket.IO`,
        ratio(c, sio),
        Number.isFinite(c / sio) ? yes(c / sio >= GOALS.cpuVsSocketIo) : '–',
      ],
      bare / sio < GOALS.cpuVsSocketIo
        ? `the bare uWS forwarder itself is only ${ratio(bare, sio)} Socket.IO here, so 3× would need Conduit faster than the ceiling; beyond that, the per-message costs above`
        : 'the per-message costs above',
    );
    const at = s.routing?.open?.find((/** @type {any} */ o) => o.rate === GOALS.p99Rate);
    // A round in which the generator's own sends were late (p99 over GOALS.validLateUs)
    // measured the machine, not the server: the goal is judged on the other rounds only, and
    // "not measurable" when there are none.
    const late = at?.lateByRoundUs ?? [];
    const valid = late.flatMap((/** @type {number} */ l, /** @type {number} */ i) =>
      l <= GOALS.validLateUs ? [i] : [],
    );
    const validP99 = valid.map((/** @type {number} */ i) => at.p99ByRoundUs[i]);
    const validLost = valid.reduce(
      (/** @type {number} */ a, /** @type {number} */ i) => a + (at.lostByRound?.[i] ?? 0),
      0,
    );
    push(
      [
        `${n}: p99 ≤ 2 ms at 20k msg/s`,
        at
          ? `${ms(at.latencyUs.p99)} ms over all rounds; ${valid.length ? `${validP99.map((/** @type {number} */ v) => ms(v)).join(' / ')} ms in the ${valid.length} round(s) where the generator kept its schedule` : 'the generator fell behind its schedule in every round'}`
          : 'not measured',
        at
          ? valid.length
            ? yes(validP99.every((/** @type {number} */ v) => v <= GOALS.p99Us) && validLost === 0)
            : 'not measurable in this run'
          : '–',
      ],
      !at
        ? ''
        : valid.length
          ? 'queueing behind other work on the machine and the per-message cost above (see p99 per round)'
          : "the machine was busy: the generator could not keep its own schedule, so the figure is not the server's",
    );
    const m = s.memory;
    push(
      [
        `${n}: ≤ 2 KB RSS per idle session`,
        m ? kb(m.slope.rss) : 'not measured',
        m ? yes(m.slope.rss <= GOALS.rssPerSession) : '–',
      ],
      n === CONDUIT_WS
        ? 'ws keeps ~5 KB of its own objects per socket (fallback transport)'
        : `heap per session ${m ? kb(m.slope.heapUsed) : '–'}, the rest native per uWS socket and heap pages (bare uWS: ${r.servers[BARE]?.memory ? kb(r.servers[BARE].memory.slope.rss) : '–'} in all); what each session holds: bench/profile.mjs --part heap`,
    );
    if (m) {
      const extra = (r.params.memory.rssLimit - m.baseline.rss) / m.slope.rss;
      push(
        [
          `${n}: 100 000 concurrent visitors`,
          `${int(m.ramp?.held)} held (${stopText(m.ramp, r.params.memory.steps, r.fdLimit)}); ~${int(extra)} extrapolated to 400 MB RSS`,
          m.ramp?.held >= GOALS.concurrent ? 'yes' : 'not shown here',
        ],
        `the open-file hard limit here is ${int(r.fdLimit)} per process (cannot be raised in this sandbox); the extrapolation uses the RSS slope`,
      );
      const churn = (100 * (m.churn.after.heapUsed - m.baseline.heapUsed)) / m.baseline.heapUsed;
      push(
        [
          `${n}: heap within 5 % of baseline after churn`,
          `${churn >= 0 ? '+' : ''}${fix(churn, 1)} %`,
          yes(churn <= GOALS.churnPct),
        ],
        'what stays is compiled code from the burst (and, on ws, Node’s pooled HTTP parsers), no session data: bench/profile.mjs --part churn',
      );
    }
  }
  const w = r.widget;
  push(
    [
      'widget ≤ 10 KB gzipped',
      w?.size ? kb(w.size.gzip) : 'not built yet',
      w?.size ? yes(w.size.gzip <= GOALS.widgetGzip) : '–',
    ],
    w?.size
      ? `widget.js, the script tag every page loads (a launcher facade, ${kb(w.size.raw)} minified); the chat, widget/app.js (${kb(w.size.app.gzip)} gzip), loads on the visitor's first intent`
      : '',
  );
  push(
    [
      'widget boot ≤ 20 ms median',
      w?.boot ? `${fix(w.boot.medianMs, 1)} ms` : 'not measured',
      w?.boot ? yes(w.boot.medianMs <= GOALS.bootMs) : '–',
    ],
    w?.boot
      ? `compile + evaluation + first render of ${kb(w.size.raw)} of script; loads ranged ${fix(w.boot.minMs, 0)}–${fix(w.boot.maxMs, 0)} ms on the shared machine; click to open ${fix(w.boot.openMedianMs, 1)} ms median`
      : '',
  );
  return rows;
}
