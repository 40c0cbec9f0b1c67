import { pino } from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedis, type TestRedis } from '../../../../test-support/redis-server.js';
import { createRedisBus, reconnectDelay } from './redis-bus.js';
import { busContract } from './test-bus-contract.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const logger = pino({ level: 'silent' });

busContract('redis', async (handlers) => {
  const bus = createRedisBus({ url: redis.url, logger }, handlers);
  await bus.connect();
  return bus;
});

describe('redis bus', () => {
  it('refuses text that is not a bus message, and writes no key', async () => {
    const got: unknown[] = [];
    const bus = createRedisBus(
      { url: redis.url, logger },
      { message: (_s, _f, m) => got.push(m), status: () => {} },
    );
    await bus.connect();
    await bus.subscribe('acme');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    await raw.publish('conduit:site:acme', '{"n":"x","m":[{"k":"nope"}]}');
    await raw.publish('conduit:site:acme', 'not json');
    await raw.publish('conduit:site:acme', '{"n":"x","m":[{"k":"bye"}]}');
    await vi.waitFor(() => expect(got).toEqual([{ k: 'bye' }]), { timeout: 3000 });
    expect(bus.stats().dropped).toBe(2);
    expect((await redis.cli('--scan')).trim()).toBe('');
    await raw.close();
    await bus.close();
  });

  it('backs off from 50 ms to at most 5 s, with jitter', () => {
    expect([0, 1, 5, 20].map((n) => reconnectDelay(n, () => 0))).toEqual([50, 100, 1600, 5000]);
    expect(reconnectDelay(20, () => 1)).toBe(6000);
  });

  it('F14: reports down and up once each across a Redis restart, re-subscribes and delivers again', async () => {
    const statuses: Array<[string, boolean]> = [];
    const got: unknown[] = [];
    const make = (name: string) => {
      const bus = createRedisBus(
        { url: redis.url, logger },
        { message: (_s, _f, m) => got.push(m), status: (up) => statuses.push([name, up]) },
      );
      return bus;
    };
    const a = make('a');
    const b = make('b');
    await a.connect();
    await b.connect();
    await b.subscribe('acme');
    await redis.stop();
    await vi.waitFor(() => expect([a.up, b.up]).toEqual([false, false]), { timeout: 5000 });
    a.publish('acme', { k: 'who', c: 1 });
    expect(a.stats().dropped).toBe(1);
    await redis.start();
    await vi.waitFor(() => expect([a.up, b.up]).toEqual([true, true]), { timeout: 10_000 });
    await vi.waitFor(
      async () => {
        a.publish('acme', { k: 'who', c: 2 });
        expect(got.length).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 100 },
    );
    expect(got[0]).toEqual({ k: 'who', c: 2 });
    expect(statuses.filter(([n]) => n === 'b')).toEqual([
      ['b', true],
      ['b', false],
      ['b', true],
    ]);
    await a.close();
    await b.close();
  });
});
