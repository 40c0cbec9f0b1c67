import { randomBytes } from 'node:crypto';
import type { Bus, BusHandlers, BusStats } from './bus.js';
import type { BusMessage } from './bus-messages.js';

// The in-process bus: relays in one process that share a `LocalNetwork` act as a cluster
// without Redis (tests, embedding). Messages are handed over as the objects they are (never
// serialised); delivery waits for a microtask, like a network would, so a receiver never runs
// inside the sender's call stack, and every subscriber sees a channel's messages in one order.

/** Nodes that reach each other through `createLocalBus`. */
export interface LocalNetwork {
  /** Buses subscribed per site. */
  readonly sites: Map<string, Set<LocalBusNode>>;
  /** Deliveries waiting for the next microtask, in publish order. */
  readonly queue: Array<() => void>;
}

interface LocalBusNode {
  node: string;
  handlers: BusHandlers;
  stats: BusStats;
}

/** A new, empty network. */
export function createLocalNetwork(): LocalNetwork {
  return { sites: new Map(), queue: [] };
}

/**
 * A bus on `network`.
 * @example
 * const network = createLocalNetwork();
 * const a = await startRelay(config, { bus: (h) => createLocalBus(network, h) });
 */
export function createLocalBus(network: LocalNetwork, handlers: BusHandlers): Bus {
  const self: LocalBusNode = {
    node: randomBytes(9).toString('base64url'),
    handlers,
    stats: { received: 0, published: 0, dropped: 0 },
  };
  const mine = new Set<string>();
  let closed = false;

  function flush(): void {
    // Deliveries queued while flushing run in the same pass, after the earlier ones.
    for (let i = 0; i < network.queue.length; i++) network.queue[i]?.();
    network.queue.length = 0;
  }

  return {
    node: self.node,
    get up() {
      return !closed;
    },
    async subscribe(site) {
      if (closed || mine.has(site)) return;
      mine.add(site);
      const set = network.sites.get(site);
      if (set) set.add(self);
      else network.sites.set(site, new Set([self]));
    },
    unsubscribe(site) {
      if (!mine.delete(site)) return;
      const set = network.sites.get(site);
      set?.delete(self);
      if (set?.size === 0) network.sites.delete(site);
    },
    publish(site, message: BusMessage) {
      if (closed) {
        self.stats.dropped++;
        return;
      }
      self.stats.published++;
      const targets = network.sites.get(site);
      if (!targets) return;
      for (const target of targets) {
        if (target === self) continue;
        if (network.queue.length === 0) queueMicrotask(flush);
        network.queue.push(() => {
          // Subscribed when published, still subscribed now: as with Redis, an unsubscribe
          // stops what has not been delivered yet.
          if (!network.sites.get(site)?.has(target)) return;
          target.stats.received++;
          target.handlers.message(site, self.node, message);
        });
      }
    },
    stats: () => ({ ...self.stats }),
    async close() {
      closed = true;
      for (const site of [...mine]) this.unsubscribe(site);
    },
  };
}
