import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Relays in processes of their own (the CLI from source, test-support/relay-process.mjs), for
// tests that signal or kill them (SECURITY.md F6, F7, F14; issue #12.4).

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

/** A running relay process: its child, bound port, everything it wrote, and its exit. */
export interface RelayProcess {
  child: ChildProcess;
  port: number;
  /** stdout and stderr so far. */
  log: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `conduit-relay --config file` in its own process; resolves once it listens. */
export async function relayProcess(
  configFile: string,
  env: Record<string, string> = {},
): Promise<RelayProcess> {
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 30_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      const listening = line && /"port":(\d+)/.exec(line);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${out}`));
    });
  });
  return { child, port, log: () => out, exited };
}
