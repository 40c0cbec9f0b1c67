import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Relays in processes of their own (the CLI from source, test-support/relay-process.mjs), for
// tests that signal or kill them (CHECKLIST F6, F7, F14).

const RELAY_PROCESS = fileURLToPath(
  new URL('../../../test-support/relay-process.mjs', import.meta.url),
);

/** A free port on 127.0.0.1 (a restarted relay must listen where the first one did). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts `conduit-relay --config file` in its own process; resolves once it listens. */
export async function relayProcess(
  configFile: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn(process.execPath, [RELAY_PROCESS, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 30_000);
    const check = () => {
      if (out.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${out}`));
    });
  });
  return { child, log: () => out };
}
