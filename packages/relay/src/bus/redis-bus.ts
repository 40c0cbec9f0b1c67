import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { type Bus, type BusHandlers, type BusStats, siteChannel } from './bus.js';
import { BATCH_MAX, type BusMessage, busText, parseBusText } from './bus-messages.js';

// The Redis bus: PUBLISH on one connection, SUBSCRIBE on a second (a subscribed connection
// can do nothing else). Pub/sub only: no key is ever written. While Redis is away the node
// keeps serving its own sockets; publishing is dropped (never queued without bound), the client
// reconnects with backoff, re-subscribes by itself, and `status(true)` lets the cluster
// republish what the others missed.

/** Reconnect delays: 50 ms doubling up to 5 s, with up to 20% jitter. */
export function reconnectDelay(retries: number, random = Math.random): number {
  const base = Math.min(50 * 2 ** Math.min(retries, 10), 5000);
  return Math.round(base * (1 + random() * 0.2));
}

/** Options of `createRedisBus`. */
export interface RedisBusOptions {
  url: string;
  logger: Logger;
  /** How long `connect` waits for Redis before the relay starts without it (then: down). */
  connectTimeoutMs?: number;
}

/** A bus on Redis pub/sub; call `connect` once before use. */
export function createRedisBus(
  options: RedisBusOptions,
  handlers: BusHandlers,
): Bus & { connect(): Promise<void> } {
  const { logger } = options;
  const node = randomBytes(9).toString('base64url');
  const stats: BusStats = { received: 0, published: 0, dropped: 0 };
  const clientOptions = {
    url: options.url,
    // Publishing while down fails at once instead of piling up in the client's offline queue.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => reconnectDelay(retries),
    },
    // A dead peer without a FIN (cable pulled) is noticed within seconds.
    pingInterval: 5000,
  };
  const pub = createClient(clientOptions);
  const sub = pub.duplicate();
  /** Sites this node wants; a message of another one (left while down) is ignored. */
  const wanted = new Set<string>();
  /** Sites given up while down: unsubscribed for real once Redis is back. */
  const stale = new Set<string>();
  let up = false;
  let closing = false;
  let everUp = false;

  // Redis sends a subscriber its own messages too: they are recognised by their first bytes
  // (`busText` writes the node first), before any parsing.
  const own = busText(node, [{ k: 'bye' }]).slice(0, `{"n":"${node}",`.length);
  const listener = (text: string, channel: string) => {
    if (text.startsWith(own)) return;
    const site = channel.slice(siteChannel('').length);
    if (!wanted.has(site)) return;
    const parsed = parseBusText(text);
    if (!parsed) {
      stats.dropped++;
      return;
    }
    if (parsed.from === node) return;
    for (const message of parsed.messages) {
      stats.received++;
      handlers.message(site, parsed.from, message);
    }
  };

  // A turn's messages for a site go out as one PUBLISH (at most BATCH_MAX each): the cost of a
  // Redis command is paid per batch, not per chat message; the order stays the publish order.
  const batches = new Map<string, BusMessage[]>();
  let flushing = false;
  function flush(): void {
    flushing = false;
    for (const [site, batch] of batches) send(site, batch);
    batches.clear();
  }
  function send(site: string, batch: BusMessage[]): void {
    if (!up) {
      stats.dropped += batch.length;
      return;
    }
    pub.publish(siteChannel(site), busText(node, batch)).catch(() => {
      stats.dropped += batch.length;
    });
  }

  function update(): void {
    const now = pub.isReady && sub.isReady && !closing;
    if (now === up) return;
    up = now;
    if (up) {
      for (const site of stale) void sub.unsubscribe(siteChannel(site), listener).catch(noop);
      stale.clear();
      // The client re-subscribes what it knew; sites wanted while down are added here.
      for (const site of wanted) void sub.subscribe(siteChannel(site), listener).catch(noop);
      if (everUp) logger.info('bus up: redis reachable again');
      everUp = true;
    } else if (!closing) {
      logger.warn('bus down: redis unreachable, serving local sockets only');
    }
    handlers.status(up);
  }

  for (const client of [pub, sub]) {
    // Errors come once per failed attempt; `update` logs the transition once.
    client.on('error', () => update());
    client.on('ready', () => update());
    client.on('end', () => update());
    client.on('reconnecting', () => update());
  }

  return {
    node,
    get up() {
      return up;
    },
    async connect() {
      const attempt = Promise.all([pub.connect(), sub.connect()]).then(() => update());
      attempt.catch(noop);
      const limit = options.connectTimeoutMs ?? 3000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        attempt,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, limit);
        }),
      ]).finally(() => clearTimeout(timer));
      if (!up) logger.warn('bus down: redis not reachable at start, retrying');
    },
    async subscribe(site) {
      stale.delete(site);
      if (wanted.has(site)) return;
      wanted.add(site);
      if (up) await sub.subscribe(siteChannel(site), listener).catch(noop);
    },
    unsubscribe(site) {
      if (!wanted.delete(site)) return;
      if (up) void sub.unsubscribe(siteChannel(site), listener).catch(noop);
      else stale.add(site);
    },
    publish(site, message: BusMessage) {
      if (!up) {
        stats.dropped++;
        return;
      }
      stats.published++;
      let batch = batches.get(site);
      if (!batch) {
        batch = [];
        batches.set(site, batch);
      }
      batch.push(message);
      if (batch.length >= BATCH_MAX) {
        batches.delete(site);
        send(site, batch);
      }
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    stats: () => ({ ...stats }),
    async close() {
      // What this turn published (a leaving node's `bye`) still goes out.
      flush();
      closing = true;
      wanted.clear();
      update();
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}

function noop(): void {}
