import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_GRACE_MS, BENCH_OPERATOR_KEY, benchOrigin } from './conduit-server.mjs';
import { sleep } from './lib/load-generator.mjs';
import { BENCH_DIR, startGenerator, startServer } from './lib/processes.mjs';

// Where Conduit's time and memory go, for the profiling notes in README.md:
//   node bench/profile.mjs [--transport uws|ws] [--seconds 5] [--sessions 2000]
// CPU: the relay under the closed-loop routing load with --cpu-prof; prints self time by
// function and by area (relay file, protocol, zod, pino, node, GC) and the CPU per message.
// Heap: snapshots before and after N idle sessions; prints what each session adds, by
// constructor. Churn (--part churn): what is left after N sessions came and went.
// Needs a built relay (npm run build -w @conduit-chat/relay).

const argv = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {string} */ def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? def) : def;
};
const transport = opt('transport', 'uws');
const seconds = Number(opt('seconds', '5'));
const sessions = Number(opt('sessions', '2000'));
const SITES = 10;
const dir = join(tmpdir(), `conduit-profile-${process.pid}`);
mkdirSync(dir, { recursive: true });

const common = {
  host: '127.0.0.1',
  dialect: 'conduit',
  sites: Array.from({ length: SITES }, (_, i) => ({
    id: `s${i + 1}`,
    origin: benchOrigin(`s${i + 1}`),
  })),
  operatorKey: BENCH_OPERATOR_KEY,
  sourceAddresses: Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`),
};
const script = `${BENCH_DIR}conduit-server.mjs`;
const args = ['--transport', transport, '--sites', String(SITES)];

/**
 * @param {string[]} nodeArgs
 * @param {(server: any, gen: any) => Promise<any>} body
 */
async function run(nodeArgs, body) {
  const server = await startServer({ script, args, nodeArgs, core: 0 });
  const gen = startGenerator(1);
  try {
    await gen.call('init', { ...common, port: server.port, pid: server.pid });
    return await body(server, gen);
  } finally {
    await gen.stop();
    await server.stop();
  }
}

// ---- CPU ------------------------------------------------------------------------------

/** @param {string} url */
function area(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /packages\/([a-z]+)\/dist\/(.+?)\.js/.exec(url);
  if (pkg) return pkg[1] === 'relay' ? `relay ${pkg[2]}` : pkg[1];
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1] ?? url;
  return url.replace(/^file:\/\/.*\/bench\//, 'bench/');
}

/** @param {any} profile a .cpuprofile */
function analyseCpu(profile) {
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  /** @type {Map<string, number>} */
  const areas = new Map();
  let total = 0;
  profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') return;
    total += dt;
    const key = `${cf.functionName || '(anonymous)'} ${area(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = cf.functionName === '(garbage collector)' ? 'GC' : area(cf.url);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!f.url.includes('/packages/')) continue;
      const k = `${f.functionName || '(anonymous)'} ${area(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, self: top(self, 25), inclusive: top(inclusive, 25), areas: top(areas, 20) };
}

async function cpu() {
  const profDir = join(dir, 'cpu');
  mkdirSync(profDir, { recursive: true });
  const r = await run(['--cpu-prof', `--cpu-prof-dir=${profDir}`], async (_server, gen) => {
    await gen.call('connect', { role: 'operator', count: SITES, timeoutMs: 10_000 });
    await gen.call('connect', { role: 'visitor', count: 1000, timeoutMs: 30_000 });
    return gen.call('closedLoop', { warmupMs: 1000, measureMs: seconds * 1000 });
  });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const a = analyseCpu(JSON.parse(readFileSync(join(profDir, file), 'utf8')));
  const perMsgUs = (r.serverCpuSec * 1e6) / r.msgs;
  const pct = (/** @type {number} */ v) => `${((100 * v) / a.total).toFixed(1)} %`;
  const us = (/** @type {number} */ v) => `${((perMsgUs * v) / a.total).toFixed(2)} µs`;
  console.log(
    `\n## CPU (${transport}): ${Math.round(r.msgsPerSec)} msg/s, ${Math.round(r.msgsPerCpuSec)} msgs per CPU-s, ${perMsgUs.toFixed(1)} µs server CPU per routed message (whole process: setup and warm-up are in the profile too)\n`,
  );
  console.log('| area | share | per message |\n| --- | --- | --- |');
  for (const [k, v] of a.areas) console.log(`| ${k} | ${pct(v)} | ${us(v)} |`);
  console.log('\n| function (self) | share | per message |\n| --- | --- | --- |');
  for (const [k, v] of a.self) console.log(`| ${k} | ${pct(v)} | ${us(v)} |`);
  console.log('\n| workspace function (inclusive) | share | per message |\n| --- | --- | --- |');
  for (const [k, v] of a.inclusive) console.log(`| ${k} | ${pct(v)} | ${us(v)} |`);
}

// ---- heap -----------------------------------------------------------------------------

/**
 * Self size and count by node type + name; plain objects are told apart by their first
 * property names, so each per-session object shape shows up as its own row.
 * @param {string} file
 */
function analyseHeap(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const fields = meta.node_fields;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const width = fields.length;
  const edgeWidth = meta.edge_fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const iEdges = fields.indexOf('edge_count');
  const property = edgeTypes.indexOf('property');
  /** @type {Map<string, { count: number, size: number }>} */
  const out = new Map();
  const { nodes, edges, strings } = snap;
  let edge = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const name = String(strings[nodes[i + iName]]);
    const count = nodes[i + iEdges];
    let key;
    if (type === 'object' && name === 'Object') {
      /** @type {string[]} */
      const props = [];
      for (let e = edge; e < edge + count * edgeWidth && props.length < 5; e += edgeWidth) {
        if (edges[e] === property) props.push(String(strings[edges[e + 1]]));
      }
      key = `Object {${props.join(', ')}${props.length === 5 ? ', …' : ''}}`;
    } else if (type === 'object' || type === 'closure' || type === 'native')
      key = `${type} ${name.slice(0, 60)}`;
    else if (type === 'hidden' || type === 'array' || type === 'code')
      key = `${type} ${name.slice(0, 40)}`;
    else if (type === 'string' || type === 'sliced string' || type === 'concatenated string') {
      // bench data only (no personal data): the shape of the text tells which field it is
      key = `${type} "${name
        .slice(0, 14)
        .replace(/[0-9]/g, '#')
        .replace(/[A-Za-z_-]{6,}/g, (w) => `${w.slice(0, 3)}…`)}"`;
    } else key = type;
    edge += count * edgeWidth;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += nodes[i + iSize];
    out.set(key, e);
  }
  return out;
}

async function heap() {
  await run(['--expose-gc'], async (server, gen) => {
    await gen.call('connect', { role: 'visitor', count: 200, timeoutMs: 30_000 });
    await gen.call('closeVisitors', { timeoutMs: 10_000 });
    await sleep(BENCH_GRACE_MS + 1000);
    const m0 = await server.mem();
    const a = join(dir, 'before.heapsnapshot');
    await server.snap(a);
    const c = await gen.call('connect', { role: 'visitor', count: sessions, timeoutMs: 60_000 });
    const m1 = await server.mem();
    const b = join(dir, 'after.heapsnapshot');
    await server.snap(b);
    const before = analyseHeap(a);
    const after = analyseHeap(b);
    const n = c.ok;
    /** @type {[string, { count: number, size: number }][]} */
    const diff = [];
    for (const [k, v] of after) {
      const w = before.get(k) ?? { count: 0, size: 0 };
      diff.push([k, { count: v.count - w.count, size: v.size - w.size }]);
    }
    diff.sort((x, y) => y[1].size - x[1].size);
    const totalSize = diff.reduce((s, [, v]) => s + v.size, 0);
    const per = (/** @type {number} */ v) => (v / n).toFixed(1);
    console.log(`\n## Heap per idle session (${transport}), ${n} sessions\n`);
    console.log(
      `(RSS is left out: writing a snapshot inflates it.) heapUsed +${per(m1.mem.heapUsed - m0.mem.heapUsed)} B, heapTotal +${per(m1.mem.heapTotal - m0.mem.heapTotal)} B, external +${per(m1.mem.external - m0.mem.external)} B per session; snapshot self sizes +${per(totalSize)} B per session\n`,
    );
    console.log('| what | objects per session | bytes per session |\n| --- | --- | --- |');
    for (const [k, v] of diff.slice(0, 45))
      console.log(`| ${k} | ${per(v.count)} | ${per(v.size)} |`);
  });
}

/** Heap after N sessions came and went (grace window passed) against the warm baseline. */
async function churn() {
  await run(['--expose-gc'], async (server, gen) => {
    await gen.call('connect', { role: 'visitor', count: 200, timeoutMs: 30_000 });
    await gen.call('closeVisitors', { timeoutMs: 10_000 });
    await sleep(BENCH_GRACE_MS + 1000);
    const m0 = await server.mem();
    const a = join(dir, 'base.heapsnapshot');
    await server.snap(a);
    await gen.call('connect', { role: 'visitor', count: sessions, timeoutMs: 60_000 });
    await gen.call('closeVisitors', { timeoutMs: 20_000 });
    await sleep(BENCH_GRACE_MS + 1500);
    const m1 = await server.mem();
    const b = join(dir, 'churned.heapsnapshot');
    await server.snap(b);
    const before = analyseHeap(a);
    const after = analyseHeap(b);
    /** @type {[string, { count: number, size: number }][]} */
    const diff = [];
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      const v = after.get(k) ?? { count: 0, size: 0 };
      const w = before.get(k) ?? { count: 0, size: 0 };
      if (v.size !== w.size || v.count !== w.count)
        diff.push([k, { count: v.count - w.count, size: v.size - w.size }]);
    }
    diff.sort((x, y) => Math.abs(y[1].size) - Math.abs(x[1].size));
    console.log(`\n## Heap after ${sessions} sessions came and went (${transport})\n`);
    console.log(
      `heapUsed ${m0.mem.heapUsed} → ${m1.mem.heapUsed} B (${m1.mem.heapUsed - m0.mem.heapUsed >= 0 ? '+' : ''}${m1.mem.heapUsed - m0.mem.heapUsed} B)\n`,
    );
    console.log('| what | objects | bytes |\n| --- | --- | --- |');
    for (const [k, v] of diff.slice(0, 25)) console.log(`| ${k} | ${v.count} | ${v.size} |`);
  });
}

try {
  const parts = opt('part', 'cpu,heap').split(',');
  if (parts.includes('churn')) await churn();
  if (parts.includes('cpu')) await cpu();
  if (parts.includes('heap')) await heap();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
