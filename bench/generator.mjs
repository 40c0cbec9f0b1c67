import { conduitDialect, socketIoDialect } from './lib/dialects.mjs';
import { LoadGenerator } from './lib/load-generator.mjs';
import { runClosedLoop, runOpenLoop } from './lib/loops.mjs';
import { counters } from './lib/raw-ws.mjs';

// Child-process entry of the load generator: the harness (run.mjs) starts it pinned to its own
// core and drives it over the IPC channel with { id, cmd, args } messages.

/** @type {LoadGenerator | null} */
let gen = null;

/** @type {Record<string, (args: any) => unknown>} */
const commands = {
  init(args) {
    gen = new LoadGenerator({
      ...args,
      dialect: args.dialect === 'socket.io' ? socketIoDialect : conduitDialect,
    });
    return { pid: process.pid };
  },
  connect: (args) => need().connect(args.role, args.count, { timeoutMs: args.timeoutMs }),
  ramp(args) {
    const g = need();
    const until = Date.now() + args.timeMs;
    let rss = 0;
    let checked = 0;
    const r = g.connect('visitor', args.count, {
      timeoutMs: args.timeMs + 5000,
      stop: () => {
        const now = Date.now();
        if (now >= until) return 'time';
        if (now - checked >= 100) {
          checked = now;
          rss = g.serverRss();
          if (rss >= args.rssLimit) return 'rss';
        }
        return '';
      },
    });
    return r.then((res) => ({ ...res, rss: g.serverRss() }));
  },
  closedLoop: (args) => runClosedLoop(need(), args),
  openLoop: (args) => runOpenLoop(need(), args),
  closeVisitors: (args) => need().closeVisitors(args.timeoutMs),
  held: () => ({ visitors: need().readyVisitors().length, rss: need().serverRss() }),
  counters: () => ({ ...counters }),
  exit() {
    gen?.destroyAll();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

function need() {
  if (gen === null) throw new Error('init first');
  return gen;
}

process.on('message', async (/** @type {{ id: number, cmd: string, args: any }} */ m) => {
  try {
    const fn = commands[m.cmd];
    if (!fn) throw new Error(`unknown command ${m.cmd}`);
    const result = await fn(m.args ?? {});
    process.send?.({ id: m.id, result });
  } catch (err) {
    process.send?.({ id: m.id, error: String(/** @type {Error} */ (err).stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
