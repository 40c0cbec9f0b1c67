import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Starting the server and the generator as separate processes, pinned to separate cores when
// `taskset` exists, and talking to them (server: stdin/stdout lines; generator: IPC).

/** Where the bench lives (bench/). */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** How long a server may take to print its port. */
export const START_TIMEOUT_MS = 30_000;
/** How long one generator command may take before the harness gives up on it. */
export const CALL_TIMEOUT_MS = 120_000;

const hasTaskset = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** True when processes are pinned to cores. */
export const PINNED = hasTaskset;

/**
 * Command line for node with `args`, pinned to `core` when taskset exists (taskset execs node,
 * so the child's pid is node's pid).
 * @param {number} core
 * @param {string[]} args
 */
function pinnedNode(core, args) {
  return hasTaskset
    ? { cmd: 'taskset', argv: ['-c', String(core), process.execPath, ...args] }
    : { cmd: process.execPath, argv: args };
}

/**
 * @typedef {object} ServerProc
 * @property {number} pid
 * @property {number} port
 * @property {Record<string, unknown>} info the first BENCH line
 * @property {() => Promise<any>} mem forced GC (with --expose-gc) and memory figures
 * @property {(file: string) => Promise<any>} snap writes a heap snapshot to `file`
 * @property {() => Promise<void>} stop
 * @property {() => string} logTail last stderr lines (for failure reports)
 */

/**
 * Starts a bench server script and waits for its `BENCH {"port":N}` line.
 * @param {{ script: string, args?: string[], nodeArgs?: string[], core: number, env?: Record<string, string> }} o
 * @returns {Promise<ServerProc>}
 */
export function startServer(o) {
  const { cmd, argv } = pinnedNode(o.core, [...(o.nodeArgs ?? []), o.script, ...(o.args ?? [])]);
  const child = spawn(cmd, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  /** @type {((v: any) => void)[]} */
  const waiters = [];
  /** @type {string[]} */
  const errTail = [];
  createInterface({ input: /** @type {any} */ (child.stderr) }).on('line', (l) => {
    errTail.push(l);
    if (errTail.length > 20) errTail.shift();
  });
  createInterface({ input: /** @type {any} */ (child.stdout) }).on('line', (line) => {
    if (!line.startsWith('BENCH ')) return;
    const msg = JSON.parse(line.slice(6));
    waiters.shift()?.(msg);
  });
  const next = (/** @type {number} */ ms) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('server did not answer')), ms);
      waiters.push((v) => {
        clearTimeout(t);
        resolve(v);
      });
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${errTail.join(' | ')}`)),
    );
    next(START_TIMEOUT_MS).then((info) => {
      resolve({
        pid: /** @type {number} */ (child.pid),
        port: info.port,
        info,
        mem: () => {
          const p = next(30_000);
          child.stdin.write('mem\n');
          return p;
        },
        snap: (file) => {
          const p = next(120_000);
          child.stdin.write(`snap ${file}\n`);
          return p;
        },
        stop: async () => {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        },
        logTail: () => errTail.join('\n'),
      });
    }, reject);
  });
}

/**
 * @typedef {object} GeneratorProc
 * @property {number} pid
 * @property {(cmd: string, args?: any) => Promise<any>} call
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the load generator (bench/generator.mjs) pinned to `core`.
 * @param {number} core
 * @returns {GeneratorProc}
 */
export function startGenerator(core) {
  // --expose-gc: the open loop collects before each schedule (lib/loops.mjs).
  const { cmd, argv } = pinnedNode(core, ['--expose-gc', `${BENCH_DIR}generator.mjs`]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  child.on('message', (/** @type {any} */ m) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', () => {
    for (const p of pending.values()) p.reject(new Error('generator exited'));
    pending.clear();
  });
  return {
    pid: /** @type {number} */ (child.pid),
    call(c, args) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`generator: ${c} timed out`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(t);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(t);
            reject(e);
          },
        });
        child.send({ id, cmd: c, args });
      });
    },
    async stop() {
      if (child.connected) child.send({ id: 0, cmd: 'exit' });
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
