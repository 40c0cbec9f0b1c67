// Mail benchmark: transcripts per second through the pooled SMTP transport to a local
// smtp-server, and memory held per queued job. Bounded in count and time; prints figures,
// asserts nothing. Runs on the built package (`npm run bench` builds it first).
// Usage: node --expose-gc bench/transcripts.mjs [--jobs N]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { createDispatcher, smtpTransport } from '../dist/index.js';

const JOBS = Number(process.argv[process.argv.indexOf('--jobs') + 1]) || 3000;
const WARMUP = 200;
const QUEUED = 2000;
const TIME_LIMIT_MS = 20_000;
const MESSAGES_PER_CHAT = 20;
const CONNECTIONS = 5;
const FROM = 'Conduit Bench <chat@bench.example>';

const T0 = Date.UTC(2026, 10, 29, 15, 0, 0);

/** A realistic transcript: 20 lines of about 120 characters, technical data, custom fields. */
function transcript(id) {
  return {
    kind: 'transcript',
    id,
    site: { id: 'bench', name: 'Bench site' },
    to: ['support@bench.example'],
    visitor: { name: 'Visitor Name', email: 'visitor@mail.example', custom: { plan: 'pro' } },
    tech: {
      country: 'Portugal',
      city: 'Lisbon',
      browser: 'Firefox 140',
      os: 'Linux',
      device: 'desktop',
      lang: 'pt-PT',
      tz: 'Europe/Lisbon',
      screen: { w: 1920, h: 1080 },
      referrer: 'https://search.example/',
      pages: [{ url: 'https://bench.example/pricing', title: 'Pricing', at: T0 }],
    },
    messages: Array.from({ length: MESSAGES_PER_CHAT }, (_, i) => ({
      from: i % 2 ? 'operator' : 'visitor',
      name: i % 2 ? 'Ada' : 'Visitor Name',
      text: `Message ${i}: ${'lorem ipsum dolor sit amet, '.repeat(4)}<ok>`,
      at: T0 + i * 10_000,
    })),
    truncated: 0,
    operators: ['Ada'],
    startedAt: T0,
    endedAt: T0 + 600_000,
    endReason: 'visitor',
  };
}

// The smtp-server runs in a child process: the other core, as a real server would be, and the
// CPU time measured below is the sending side's alone.
async function serveInChild() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 100,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        received++;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('disconnect', () => process.exit(0)); // never outlive the bench
  process.send({ port: server.server.address().port });
  process.on('message', (message) => {
    if (message === 'count') process.send({ received });
    if (message === 'close') server.close(() => process.exit(0));
  });
}

async function startServer() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const { port } = await next();
  return {
    port,
    async received() {
      child.send('count');
      return (await next()).received;
    },
    async close() {
      child.send('close');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function throughput() {
  const server = await startServer();
  const { port } = server;
  const dispatcher = createDispatcher({
    transport: smtpTransport({
      url: `smtp://127.0.0.1:${port}`,
      pool: { maxConnections: CONNECTIONS, maxMessages: 1000 },
    }),
    from: FROM,
    limits: { maxJobs: JOBS + WARMUP, concurrency: 32 },
  });
  for (let i = 0; i < WARMUP; i++) dispatcher.dispatch(transcript(`warm-${i}`));
  await dispatcher.drain(TIME_LIMIT_MS);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < JOBS; i++) dispatcher.dispatch(transcript(`job-${i}`));
  const dispatchedMs = performance.now() - started;
  const drained = await dispatcher.drain(TIME_LIMIT_MS);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerJob = (cpu.user + cpu.system) / 1000 / JOBS;
  const stats = dispatcher.stats();
  await dispatcher.close();
  const received = (await server.received()) - WARMUP;
  await server.close();
  const sent = stats.sent - WARMUP;
  return { sent, elapsedMs, dispatchedMs, drained, received, stats, cpuMsPerJob };
}

// A transport that never finishes a send until released: jobs stay queued, so the heap shows
// what the dispatcher holds per job (entry + rendered mail).
function parkedTransport() {
  const parked = [];
  return {
    transport: {
      name: 'parked',
      send: () => new Promise((resolve) => parked.push(() => resolve({ code: 250 }))),
      close: async () => {},
    },
    release: () => {
      for (const resolve of parked.splice(0)) resolve();
    },
  };
}

function heap() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function memoryPerJob() {
  const jobs = Array.from({ length: QUEUED }, (_, i) => transcript(`mem-${i}`));
  const { transport, release } = parkedTransport();
  const dispatcher = createDispatcher({
    transport,
    from: FROM,
    limits: { maxJobs: QUEUED, concurrency: 1 },
  });
  const before = heap();
  for (const job of jobs) dispatcher.dispatch(job);
  jobs.length = 0; // the relay lets go of the job once dispatch accepted it
  const during = heap();
  const { pending, bytes } = dispatcher.stats();
  const drain = dispatcher.drain(TIME_LIMIT_MS);
  const releaser = setInterval(release, 1);
  await drain;
  clearInterval(releaser);
  await dispatcher.close();
  const after = heap();
  return {
    pending,
    perJob: (during - before) / pending,
    renderedPerJob: bytes / pending,
    after: after - before,
  };
}

if (process.argv.includes('--serve')) {
  await serveInChild();
} else {
  await main();
}

async function main() {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

  const gcNote = globalThis.gc ? '' : ' (no --expose-gc: memory figures are noisy)';
  const t = await throughput();
  const perSecond = (t.sent / t.elapsedMs) * 1000;
  console.log(
    `mail bench: ${JOBS} transcripts (${MESSAGES_PER_CHAT} messages each), pooled SMTP (${CONNECTIONS} connections) to a local smtp-server`,
  );
  console.log(
    `  ${perSecond.toFixed(0)} transcripts/s  (${t.sent} sent in ${t.elapsedMs.toFixed(0)} ms; dispatch+render of all: ${t.dispatchedMs.toFixed(0)} ms; drained: ${t.drained.drained}; server received ${t.received})`,
  );
  console.log(
    `  sender CPU per transcript: ${t.cpuMsPerJob.toFixed(3)} ms (render, compose, SMTP client; one core's ceiling: ${(1000 / t.cpuMsPerJob).toFixed(0)}/s)`,
  );
  console.log(
    `  retried ${t.stats.retried}, dropped ${t.stats.dropped}, refused ${t.stats.refused}`,
  );
  const m = await memoryPerJob();
  console.log(
    `  memory per queued job: ${kib(m.perJob)} heap (${m.pending} jobs held; UTF-8 size of one rendered mail: ${kib(m.renderedPerJob)})${gcNote}`,
  );
  console.log(`  heap after drain and close minus heap before queueing: ${kib(m.after)}`);
}
