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
 * @param {() => Promise<void>} [settle] awaited before a `mem` measurement (Conduit: the logger's
 *   buffered lines are written first, so a log backlog is not counted as session memory)
 */
export function serveControl(extra = () => ({}), settle = async () => {}) {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const [cmd, arg] = line.trim().split(' ');
    if (cmd === 'snap' || cmd === 'mem') await settle();
    if (cmd === 'snap' && arg) {
      announce({ snap: writeHeapSnapshot(arg) });
      return;
    }
    if (cmd !== 'mem') return;
    touchYoungGeneration();
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

/**
 * Allocates ~64 MB of short-lived objects, more than the young generation holds, so that every
 * page of it has been used before a measurement: RSS then includes the whole young generation
 * at every step, and the per-session slope counts what sessions hold, not the step at which V8
 * happened to first touch (or grow) its nursery. The servers of the memory part run with a fixed
 * young generation (`--min-semi-space-size` = `--max-semi-space-size`), so its size is the
 * same at every step.
 */
function touchYoungGeneration() {
  let sum = 0;
  for (let i = 0; i < 250_000; i++) {
    const a = new Array(30).fill(i);
    sum += a.length;
  }
  return sum;
}
