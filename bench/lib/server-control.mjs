import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';

// The control channel every bench server script shares: it announces itself on stdout with a
// `BENCH {json}` line and answers `mem` on stdin with its memory after a forced GC (when started
// with --expose-gc), and `snap FILE` with a heap snapshot written to FILE (profile.mjs). Other
// stdout lines (e.g. the relay's logs) are ignored by the harness.

/**
 * Prints one `BENCH {json}` line for the harness.
 * @param {Record<string, unknown>} info
 */
export function announce(info) {
  process.stdout.write(`BENCH ${JSON.stringify(info)}\n`);
}

/**
 * Serves the stdin control channel; exits when stdin closes (the harness went away).
 * @param {() => Record<string, unknown>} [extra] server-specific counters added to `mem` answers
 */
export function serveControl(extra = () => ({})) {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(' ');
    if (cmd === 'snap' && arg) {
      announce({ snap: writeHeapSnapshot(arg) });
      return;
    }
    if (cmd !== 'mem') return;
    const gc = /** @type {undefined | (() => void)} */ (globalThis.gc);
    // two passes: the first may only schedule finalizers (e.g. native socket wrappers)
    if (gc) {
      gc();
      gc();
    }
    const m = process.memoryUsage();
    announce({
      mem: {
        rss: m.rss,
        heapTotal: m.heapTotal,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      },
      gc: Boolean(gc),
      ...extra(),
    });
  });
  rl.on('close', () => process.exit(0));
}
