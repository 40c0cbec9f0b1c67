import { describe, expect, it } from 'vitest';
import { operator, relaysPerTest, type TestClient, TRANSPORTS, visitor } from './test-relay.js';

// Issue #12, item 2: the rate limit refuses a message by name with a retry hint, holds the
// later ones, and a client that resends as the hint says gets every message through once, in
// order. `resender` is that client, as the widget's and console's outboxes behave.

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field in tests
type Frame = Record<string, any>;

/**
 * Sends `frames` at once, then on `error rate_limited {id, retryMs}` pauses, resends the oldest
 * unacked frame after the hint and the rest one by one on each ack. Resolves with the ids in
 * the order they were acked and every ack and error seen.
 */
function resender(client: TestClient, frames: Frame[]) {
  const pending = [...frames];
  const acked: string[] = [];
  const errors: Frame[] = [];
  let paced = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve, reject) => {
    client.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      if (f.t === 'ack') {
        acked.push(f.id);
        const i = pending.findIndex((p) => p.id === f.id);
        if (i >= 0) pending.splice(i, 1);
        if (pending.length === 0) {
          clearTimeout(timer);
          resolve();
        } else if (paced && pending[0]) client.send(pending[0]);
      } else if (f.t === 'error') {
        errors.push(f);
        if (f.code !== 'rate_limited' || typeof f.retryMs !== 'number') {
          reject(new Error(`unexpected error ${JSON.stringify(f)}`));
          return;
        }
        paced = true;
        clearTimeout(timer);
        timer = setTimeout(() => pending[0] && client.send(pending[0]), f.retryMs);
      }
    });
    client.ws.on('close', () => reject(new Error('closed')));
  });
  for (const f of frames) client.send(f);
  return { done, acked, errors };
}

describe.each(TRANSPORTS)('relay rate limit (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);

  it('12.2: hello + 45 msg at once: each is acked once and reaches the operator once, in order', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    const ids = Array.from({ length: 45 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const run = resender(
      v.client,
      ids.map((id) => ({ t: 'msg', id, text: `text ${id}` })),
    );
    await run.done;
    expect(run.acked).toEqual(ids);
    // The refusals name their message and say when to retry.
    expect(run.errors.length).toBeGreaterThan(0);
    expect(run.errors[0]).toMatchObject({ code: 'rate_limited', id: 'm39' });
    for (const e of run.errors) expect(e.retryMs).toBeLessThanOrEqual(1000);
    const seen: string[] = [];
    while (seen.length < ids.length) seen.push((await op.client.next('msg')).id);
    expect(seen).toEqual(ids);
    await op.client.settle();
    expect(op.client.queued('msg')).toEqual([]);
  });

  it('12.2: a later message never overtakes a refused one, even once tokens are back', async () => {
    const { visitorUrl, operatorUrl } = await start({ limits: { rate: 20, burst: 3 } });
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    // hello took one token: a and b pass, c is refused.
    for (const id of ['a', 'b', 'c']) v.client.send({ t: 'msg', id, text: id });
    const refused = await v.client.next('error');
    expect(refused).toMatchObject({ code: 'rate_limited', id: 'c' });
    await new Promise((r) => setTimeout(r, refused.retryMs + 100));
    // Sent as if the client had not seen the refusal yet (it was still on the wire).
    v.client.send({ t: 'msg', id: 'd', text: 'd' });
    expect(await v.client.next('error')).toMatchObject({ code: 'rate_limited', id: 'd' });
    v.client.send({ t: 'msg', id: 'c', text: 'c' });
    expect(await v.client.next('ack', (f) => f.id === 'c')).toMatchObject({ seq: 3 });
    v.client.send({ t: 'msg', id: 'd', text: 'd' });
    expect(await v.client.next('ack', (f) => f.id === 'd')).toMatchObject({ seq: 4 });
    const seen: string[] = [];
    while (seen.length < 4) seen.push((await op.client.next('msg')).id);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('12.2: an operator burst is acked once per message and reaches the visitor in order', async () => {
    const { visitorUrl, operatorUrl } = await start({
      limits: { operatorRate: 10, operatorBurst: 10 },
    });
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    const op = await operator(operatorUrl());
    cleanups.push(() => op.client.close());
    const session = v.welcome.session;
    op.client.send({ t: 'accept', session });
    const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const run = resender(
      op.client,
      ids.map((id) => ({ t: 'msg', session, id, text: `reply ${id}` })),
    );
    await run.done;
    expect(run.acked).toEqual(ids);
    expect(run.errors[0]).toMatchObject({ code: 'rate_limited', session });
    const seen: string[] = [];
    while (seen.length < ids.length) seen.push((await v.client.next('msg')).id);
    expect(seen).toEqual(ids);
  });

  it('12.2: a visitor who used up the message budget can still end the chat', async () => {
    const { visitorUrl } = await start({ limits: { burst: 5, rate: 0.1 } });
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    for (let i = 0; i < 6; i++) v.client.send({ t: 'msg', id: `e${i}`, text: 'hi' });
    expect(await v.client.next('error')).toMatchObject({ code: 'rate_limited', id: 'e4' });
    v.client.send({ t: 'end' });
    expect(await v.client.next('ended')).toEqual({ t: 'ended', reason: 'visitor' });
  });

  it('12.2: typing and page frames have their own allowance: dropped silently, never closing', async () => {
    const { visitorUrl } = await start({ limits: { burst: 10, rate: 1, floodClose: 20 } });
    const v = await visitor(visitorUrl());
    cleanups.push(() => v.client.close());
    // Far more typing and page frames than floodClose, then the whole message budget.
    for (let i = 0; i < 200; i++) {
      v.client.send({ t: 'typing', on: i % 2 === 0 });
      v.client.send({ t: 'page', url: `https://acme.example/p${i}`, title: 'P' });
    }
    const ids = Array.from({ length: 8 }, (_, i) => `t${i}`);
    for (const id of ids) v.client.send({ t: 'msg', id, text: 'hi' });
    for (const id of ids) expect(await v.client.next('ack')).toMatchObject({ id });
    await v.client.settle();
    expect(v.client.queued('error')).toEqual([]);
    expect(v.client.closeCode).toBe(null);
  });
});
