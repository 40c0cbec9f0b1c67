// A throw-away Debian redis-server on a free loopback port for the cluster benchmarks (nothing
// saved: no RDB, no AOF). The tests have their own in test-support/redis-server.ts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  server.close();
  return port;
}

/** Starts redis-server and resolves once it accepts connections: its pid, URL and process. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve(undefined);
      }
    });
  });
  child.stdout.resume();
  return { pid: /** @type {number} */ (child.pid), url: `redis://127.0.0.1:${port}`, child };
}
