import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bus, BusHandlers } from './bus.js';
import type { BusMessage } from './bus-messages.js';

// One contract every bus passes (like the transports' `transportContract`). Each
// implementation's test file calls `busContract` with a factory making nodes that reach each
// other (one local network, or one Redis).

/** Makes a node on a shared network; `cleanup` runs after each test. */
export type BusFactory = (handlers: BusHandlers) => Promise<Bus>;

interface Received {
  site: string;
  from: string;
  message: BusMessage;
}

function recorder() {
  const got: Received[] = [];
  const statuses: boolean[] = [];
  const handlers: BusHandlers = {
    message: (site, from, message) => got.push({ site, from, message }),
    status: (up) => statuses.push(up),
  };
  return { got, statuses, handlers };
}

const until = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 5 });

/** One message of every kind, as a cluster sends them. */
export const SAMPLES: BusMessage[] = [
  { k: 'op', f: { t: 'gone', session: 'S1', reason: 'visitor' }, x: { node: 'n1', c: 3 } },
  {
    k: 'cmd',
    c: 1,
    o: { id: 'ada', name: 'Ada' },
    f: { t: 'msg', session: 'S1', id: 'm1', text: 'Hi' },
  },
  { k: 'to', to: 'n2', c: 7, f: { t: 'ack', session: 'S1', id: 'm1', seq: 4 } },
  { k: 'ops', ops: [{ id: 'ada', name: 'Ada' }] },
  { k: 'who', c: 2 },
  { k: 'snap', to: 'n2', v: [], last: true },
  { k: 'claim', s: 'S1', tok: 'S1secret' },
  { k: 'hand', to: 'n2', s: 'S1', denied: true },
  { k: 'bye' },
  { k: 'beat' },
];

/** Runs the bus contract against `factory`. */
export function busContract(name: string, factory: BusFactory): void {
  describe(`bus contract: ${name}`, () => {
    const buses: Bus[] = [];
    afterEach(async () => {
      for (const bus of buses.splice(0)) await bus.close();
    });
    async function node() {
      const r = recorder();
      const bus = await factory(r.handlers);
      buses.push(bus);
      return { bus, ...r };
    }

    it('delivers to every other subscribed node, never back to the publisher', async () => {
      const [a, b, c] = [await node(), await node(), await node()];
      for (const n of [a, b, c]) await n.bus.subscribe('acme');
      expect(a.bus.up).toBe(true);
      a.bus.publish('acme', { k: 'bye' });
      await until(() => expect([b.got.length, c.got.length]).toEqual([1, 1]));
      expect(b.got[0]).toEqual({ site: 'acme', from: a.bus.node, message: { k: 'bye' } });
      // A round trip from b proves a had its chance to receive its own message.
      b.bus.publish('acme', { k: 'who' });
      await until(() => expect(a.got).toHaveLength(1));
      expect(a.got[0]?.from).toBe(b.bus.node);
    });

    it('carries every kind of message unchanged', async () => {
      const [a, b] = [await node(), await node()];
      await b.bus.subscribe('acme');
      for (const m of SAMPLES) a.bus.publish('acme', m);
      await until(() => expect(b.got).toHaveLength(SAMPLES.length));
      expect(b.got.map((g) => g.message)).toEqual(SAMPLES);
    });

    it('keeps sites apart and stops delivering after unsubscribe', async () => {
      const [a, b] = [await node(), await node()];
      await b.bus.subscribe('acme');
      await b.bus.subscribe('other');
      a.bus.publish('other', { k: 'who', c: 1 });
      await until(() => expect(b.got).toHaveLength(1));
      expect(b.got[0]?.site).toBe('other');
      b.bus.unsubscribe('other');
      a.bus.publish('other', { k: 'who', c: 2 });
      a.bus.publish('acme', { k: 'who', c: 3 });
      await until(() => expect(b.got).toHaveLength(2));
      expect(b.got[1]).toMatchObject({ site: 'acme', message: { c: 3 } });
    });

    it('gives every subscriber the same order: per publisher as published, one order overall', async () => {
      const [a, b, c, d] = [await node(), await node(), await node(), await node()];
      for (const n of [c, d]) await n.bus.subscribe('acme');
      for (let i = 0; i < 50; i++) {
        a.bus.publish('acme', { k: 'who', c: i });
        b.bus.publish('acme', { k: 'who', c: 1000 + i });
      }
      await until(() => expect([c.got.length, d.got.length]).toEqual([100, 100]));
      const seen = (n: typeof c) => n.got.map((g) => (g.message as { c: number }).c);
      expect(seen(c)).toEqual(seen(d));
      const fromA = seen(c).filter((x) => x < 1000);
      expect(fromA).toEqual([...Array(50).keys()]);
    });

    it('counts what it published and received', async () => {
      const [a, b] = [await node(), await node()];
      await b.bus.subscribe('acme');
      a.bus.publish('acme', { k: 'bye' });
      await until(() => expect(b.bus.stats().received).toBe(1));
      expect(a.bus.stats().published).toBe(1);
    });
  });
}
