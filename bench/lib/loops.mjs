import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Histogram } from './histogram.mjs';
import { nowUs, sleep } from './load-generator.mjs';

// The two routing loops, driving a LoadGenerator's visitors: closed loop for capacity, open
// loop on a fixed schedule for latency. Both read the server's CPU at the window's edges.

/** @typedef {import('./load-generator.mjs').LoadGenerator} LoadGenerator */
/** @typedef {ReturnType<LoadGenerator['mark']>} Mark */

/**
 * Rates over the window between two marks.
 * @param {Mark} a
 * @param {Mark} b
 */
function rates(a, b) {
  const sec = (b.t - a.t) / 1000;
  const serverCpu = b.serverCpu - a.serverCpu;
  const msgs = b.delivered - a.delivered;
  return {
    seconds: sec,
    msgs,
    msgsPerSec: msgs / sec,
    serverCpuSec: serverCpu,
    serverCpuPct: (100 * serverCpu) / sec,
    msgsPerCpuSec: serverCpu > 0 ? msgs / serverCpu : Number.NaN,
    genCpuPct: (100 * (b.genCpu - a.genCpu)) / sec,
    errors: b.errors - a.errors,
    rxMBps: (b.rx - a.rx) / sec / 1e6,
  };
}

/**
 * Closed loop: every ready visitor keeps one message in flight (next on ack).
 * @param {LoadGenerator} g
 * @param {{ warmupMs: number, measureMs: number }} o
 */
export async function runClosedLoop(g, o) {
  const visitors = g.readyVisitors();
  g.windowFrom = 0;
  g.windowTo = 0;
  g.closedLoop = true;
  for (const v of visitors) g.sendNext(v, nowUs());
  await sleep(o.warmupMs);
  const a = g.mark();
  await sleep(o.measureMs);
  const b = g.mark();
  g.closedLoop = false;
  await sleep(300); // let the last in-flight messages land before the next scenario
  return {
    visitors: visitors.length,
    operators: g.operators.length,
    ...rates(a, b),
  };
}

/**
 * Open loop: messages go out on a schedule fixed in advance (rate per second, round-robin over
 * visitors); latency is measured from the scheduled send time, so a stalled server cannot hide
 * its stall by slowing the sender (no coordinated omission).
 * @param {LoadGenerator} g
 * @param {{ rate: number, warmupMs: number, measureMs: number, drainMs: number }} o
 */
export async function runOpenLoop(g, o) {
  const visitors = g.readyVisitors();
  const n = visitors.length;
  const stepUs = 1e6 / o.rate;
  const total = Math.floor((o.rate * (o.warmupMs + o.measureMs)) / 1000);
  // A full collection now, before the schedule starts, rather than one of the generator's own
  // inside the window (it would delay reading the operators and count as server latency).
  /** @type {any} */ (globalThis).gc?.();
  const t0 = nowUs() + 10_000;
  g.hist.reset();
  g.windowFrom = t0 + o.warmupMs * 1000;
  g.windowTo = t0 + (o.warmupMs + o.measureMs) * 1000;
  const expected = Math.floor((o.rate * o.measureMs) / 1000);
  // Visitors stop reading while the schedule runs: their acks (a few KB per socket) wait in
  // the kernel, and the generator's CPU goes to sending on time and to the operators' side,
  // where latency is measured. They are read after the run.
  for (const v of visitors) v.sock?.pause();
  // The generator's own GC pauses: a pause delays its reading of the operators' sockets, and
  // that delay is counted as latency. Reported, so a tail the generator made can be told apart.
  /** @type {{ start: number, duration: number }[]} */
  const gcPauses = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const acksBefore = g.acks;
  let k = 0;
  let unsent = 0;
  let lateMaxUs = 0;
  const late = new Histogram();
  /** @type {Mark | null} */
  let a = null;
  /** @type {Mark | null} */
  let b = null;
  await new Promise((resolve) => {
    const tick = () => {
      const now = nowUs();
      if (a === null && now >= g.windowFrom) a = g.mark();
      if (b === null && now >= g.windowTo) b = g.mark();
      while (k < total) {
        const due = t0 + k * stepUs;
        if (due > now) break;
        if (now - due > lateMaxUs) lateMaxUs = now - due;
        if (due >= g.windowFrom && due < g.windowTo) late.record(now - due);
        if (
          !g.sendNext(
            /** @type {import('./raw-ws.mjs').RawConn} */ (visitors[k % n]),
            Math.round(due),
          )
        )
          unsent++;
        k++;
      }
      if (k < total || b === null) setImmediate(tick);
      else resolve(undefined);
    };
    tick();
  });
  // wait for stragglers, bounded
  const until = performance.now() + o.drainMs;
  while (g.hist.n < expected && performance.now() < until) await sleep(20);
  gcObserver.disconnect();
  const inWindow = gcPauses.filter(
    (p) => p.start * 1000 >= g.windowFrom && p.start * 1000 < g.windowTo,
  );
  for (const v of visitors) v.sock?.resume();
  const ackUntil = performance.now() + o.drainMs;
  while (g.acks - acksBefore < total - unsent && performance.now() < ackUntil) await sleep(20);
  const r = rates(/** @type {any} */ (a), /** @type {any} */ (b));
  const all = g.byRate.get(o.rate) ?? new Histogram();
  all.merge(g.hist);
  g.byRate.set(o.rate, all);
  return {
    rate: o.rate,
    visitors: n,
    expected,
    received: g.hist.n,
    acked: g.acks - acksBefore,
    lost: expected - g.hist.n,
    unsent,
    senderLateMaxUs: lateMaxUs,
    senderLateP99Us: late.quantile(0.99),
    genGcMaxMs: Math.max(0, ...inWindow.map((p) => p.duration)),
    genGcTotalMs: inWindow.reduce((a, p) => a + p.duration, 0),
    latencyUs: g.hist.summary(),
    allRoundsUs: all.summary(),
    serverCpuPct: r.serverCpuPct,
    genCpuPct: r.genCpuPct,
    errors: r.errors,
  };
}
