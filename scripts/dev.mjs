// `npm run dev`: the relay on the embedded demo config behind a Vite dev server (the root
// vite.config.ts) that serves the demo, the widget and the console from source with hot
// reload. Options: --port N (the dev server, default 5173), --relay-port N (default 8080).
// The relay learns the dev server's address as its public URL, so the demo site accepts the
// visitor sockets the browser opens from there (the relay's own origins stay as they are).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildRelay } from './build-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { port: { type: 'string' }, 'relay-port': { type: 'string' } },
});
const port = Number(values.port ?? 5173);
const relayPort = Number(values['relay-port'] ?? 8080);
const host = '127.0.0.1';
const publicUrl = `http://${host}:${port}`;

buildRelay();
const relay = spawn(
  process.execPath,
  [
    join(root, 'packages/relay/dist/cli.js'),
    '--dev',
    '--port',
    String(relayPort),
    '--public-url',
    publicUrl,
  ],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the relay too (same process group); a supervisor's SIGTERM is forwarded.
function onSignal() {
  void stop(0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
let relayExited = false;
/** @type {import('vite').ViteDevServer | null} */
let server = null;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server?.close();
  if (!relayExited) {
    // The relay ends its sessions and drains mail on SIGTERM; its exit ends this process.
    relay.removeAllListeners('exit');
    relay.on('exit', (relayCode) => process.exit(code || (relayCode ?? 0)));
    relay.kill('SIGTERM');
  } else process.exit(code);
}
relay.on('exit', (code, signal) => {
  relayExited = true;
  // The relay gone (it failed to start, or stopped) leaves nothing to develop against.
  stop(code ?? (signal ? 1 : 0));
});

// Vite reads the relay's address from the environment when it loads vite.config.ts.
process.env.CONDUIT_DEV_RELAY = `http://${host}:${relayPort}`;
const { createServer } = await import('vite');
server = await createServer({
  configFile: join(root, 'vite.config.ts'),
  server: { port, host },
});
// Vite's own SIGTERM handler exits the process as soon as Vite closed, with the relay still
// running; this script's handler (above) stops both, Vite first.
for (const listener of process.listeners('SIGTERM')) {
  if (listener !== onSignal) process.off('SIGTERM', listener);
}
await server.listen();
console.error(`conduit: dev server at ${publicUrl}/demo/ and ${publicUrl}/console/`);
