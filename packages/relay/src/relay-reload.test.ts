import { describe, expect, it } from 'vitest';
import { hashOperatorKey } from './operator-key.js';
import {
  cleanupAfterEach,
  KEY,
  KEY_B,
  ORIGIN,
  operator,
  startTestRelay,
  TestClient,
  TRANSPORTS,
  testConfig,
  visitor,
} from './test-relay.js';

describe.each(TRANSPORTS)('relay reload (%s)', (transport) => {
  const cleanups = cleanupAfterEach();

  it('B18: closes an operator whose key was revoked by a reload, and keeps the others', async () => {
    const t = await startTestRelay(transport);
    cleanups.push(() => t.relay.close());
    const ada = await operator(t.operatorUrl(), KEY);
    cleanups.push(() => ada.client.close());
    const bob = await operator(t.operatorUrl(), KEY_B);
    cleanups.push(() => bob.client.close());
    const v = await visitor(t.visitorUrl());
    cleanups.push(() => v.client.close());

    const next = testConfig(transport);
    const acme = next.sites[0];
    if (!acme) throw new Error('no site');
    const newKey = 'ck_rotated_key_for_ada_0123456789abcdef';
    acme.operators = [
      { id: 'ada', name: 'Ada', key: hashOperatorKey(newKey) },
      { id: 'bob', name: 'Bob', key: hashOperatorKey(KEY_B) },
    ];
    acme.origins = [ORIGIN, 'https://shop.acme.example'];
    const result = t.relay.reload({ ...next, port: t.relay.port, limits: { burst: 5 } });
    expect(result).toEqual({ revoked: 1, restartNeeded: ['limits'] });
    expect((await ada.client.closed).code).toBe(4001);
    bob.client.send({ t: 'ping' });
    await bob.client.next('pong');
    expect(bob.client.closeCode).toBeNull();
    // The old key is refused, the new one works, and the new origin is allowed.
    const old = new TestClient(t.operatorUrl());
    cleanups.push(() => old.close());
    await old.opened();
    old.send({ t: 'auth', key: KEY });
    expect((await old.closed).code).toBe(4001);
    const rotated = await operator(t.operatorUrl(), newKey);
    cleanups.push(() => rotated.client.close());
    expect(rotated.ready.visitors).toHaveLength(1);
    const shop = new TestClient(t.visitorUrl(), 'https://shop.acme.example');
    cleanups.push(() => shop.close());
    await shop.opened();
  });
});
