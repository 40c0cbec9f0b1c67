import type { AddressInfo } from 'node:net';
import { signWebhook } from '@conduit-chat/mail';
import { createLogger, type Relay, startRelay } from '@conduit-chat/relay';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConduitEvent, createWebhookReceiver } from './receiver.js';

// The example receiver against a real relay: an offline message posted to the relay arrives as a
// verified `offline.message`; a forged or replayed request is refused or ignored.

const SECRET = 'whsec_example_receiver_0123';
const ORIGIN = 'https://shop.example';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver() {
  const events: ConduitEvent[] = [];
  const server = createWebhookReceiver(SECRET, (event) => events.push(event));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/conduit`;
  return { events, url };
}

describe('examples/webhook-receiver', () => {
  it('16.6: receives a verified offline.message from a relay', async () => {
    const hook = await receiver();
    const relay: Relay = await startRelay(
      {
        host: '127.0.0.1',
        port: 0,
        transport: 'ws',
        sites: [
          {
            id: 'shop',
            name: 'Shop',
            origins: [ORIGIN],
            // 127.0.0.1 is a private address: only a test (or an internal receiver) allows it.
            webhooks: [
              { url: hook.url, secret: SECRET, events: ['offline.message'], allowPrivate: true },
            ],
          },
        ],
      },
      { logger: createLogger('silent') },
    );
    cleanups.push(() => relay.close());
    const res = await fetch(`${relay.url}/v1/offline?site=shop`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', text: 'Call me back' }),
    });
    expect(res.status).toBe(202);
    for (let i = 0; i < 400 && hook.events.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(hook.events).toEqual([
      expect.objectContaining({
        event: 'offline.message',
        site: { id: 'shop', name: 'Shop' },
        data: expect.objectContaining({ name: 'Ann', text: 'Call me back' }),
      }),
    ]);
  });

  it('16.6: refuses a forged signature and ignores a replayed event id', async () => {
    const hook = await receiver();
    const body = JSON.stringify({ id: 'evt_1', event: 'chat.started', site: {}, data: {} });
    const post = (signature: string) =>
      fetch(hook.url, { method: 'POST', headers: { 'conduit-signature': signature }, body });
    const now = Math.floor(Date.now() / 1000);
    expect((await post(signWebhook(body, 'not-the-secret', now))).status).toBe(401);
    expect((await post(signWebhook(body, SECRET, now - 3600))).status).toBe(401);
    expect((await post(signWebhook(body, SECRET, now))).status).toBe(204);
    expect((await post(signWebhook(body, SECRET, now))).status).toBe(204);
    expect(hook.events.map((e) => e.id)).toEqual(['evt_1']);
  });
});
