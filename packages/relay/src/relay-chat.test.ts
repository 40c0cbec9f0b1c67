import { describe, expect, it } from 'vitest';
import { KEY_B, operator, relaysPerTest, TestClient, TRANSPORTS, visitor } from './test-relay.js';

describe.each(TRANSPORTS)('relay chat (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);
  function track<T extends { client: TestClient }>(x: T): T {
    cleanups.push(() => x.client.close());
    return x;
  }

  it('acks a visitor message with the bytes of the serialised ack frame', async () => {
    const { visitorUrl } = await start();
    const v = track(await visitor(visitorUrl()));
    const raw: string[] = [];
    v.client.ws.on('message', (data) => raw.push(String(data)));
    const id = `${'a'.repeat(62)}_-`;
    v.client.send({ t: 'msg', id, text: 'Hello' });
    v.client.send({ t: 'msg', id, text: 'Hello' });
    await v.client.next('ack');
    await v.client.next('ack');
    const acks = raw.filter((r) => r.includes('"ack"'));
    expect(acks).toEqual([
      JSON.stringify({ t: 'ack', id, seq: 1 }),
      JSON.stringify({ t: 'ack', id, seq: 1 }),
    ]);
  });

  it('carries a full chat between a visitor and an operator and mails the transcript', async () => {
    const { relay, visitorUrl, operatorUrl, dispatcher } = await start();
    expect(relay.transport).toBe(transport);
    const op = track(await operator(operatorUrl()));
    expect(op.ready).toMatchObject({
      operator: { id: 'ada', name: 'Ada' },
      site: { id: 'acme', name: 'Acme' },
      operators: [{ id: 'ada', name: 'Ada' }],
      visitors: [],
      canned: [{ shortcut: 'hi', text: 'Hello there' }],
    });
    const v = track(await visitor(visitorUrl(), { info: { name: 'Vera' } }));
    expect(v.welcome).toMatchObject({
      resumed: false,
      truncated: false,
      online: true,
      operators: [{ name: 'Ada' }],
      agent: null,
      widget: { name: 'Acme', connect: 'on-load', preChat: 'off' },
    });
    const session = v.welcome.session as string;
    const seen = await op.client.next('visitor');
    expect(seen.visitor).toMatchObject({
      session,
      state: 'browsing',
      name: 'Vera',
      page: { url: 'https://acme.example/shop', title: 'Shop' },
      referrer: 'https://search.example/',
      ip: '127.0.0.1',
      lang: 'en-GB',
      tz: 'Europe/London',
      screen: { w: 1440, h: 900 },
      lastSeq: 0,
    });
    // No geo data for a loopback address: the field is absent, not empty.
    expect(seen.visitor).not.toHaveProperty('country');
    expect(seen.visitor).not.toHaveProperty('city');

    v.client.send({ t: 'typing', on: true });
    expect(await op.client.next('typing')).toEqual({
      t: 'typing',
      session,
      on: true,
      from: 'visitor',
    });
    v.client.send({ t: 'msg', id: 'v1', text: 'Hello, is anyone there?' });
    expect(await v.client.next('ack')).toEqual({ t: 'ack', id: 'v1', seq: 1 });
    expect(await op.client.next('msg')).toMatchObject({
      session,
      seq: 1,
      id: 'v1',
      from: 'visitor',
      text: 'Hello, is anyone there?',
    });
    expect((await op.client.next('visitor')).visitor.state).toBe('waiting');

    op.client.send({ t: 'accept', session });
    expect(await v.client.next('status')).toMatchObject({ agent: { name: 'Ada' }, online: true });
    expect((await op.client.next('visitor')).visitor).toMatchObject({
      state: 'chatting',
      owner: { id: 'ada', name: 'Ada' },
    });
    op.client.send({ t: 'typing', session, on: true });
    expect(await v.client.next('typing')).toEqual({ t: 'typing', on: true, name: 'Ada' });
    op.client.send({ t: 'msg', session, id: 'o1', text: 'Hi Vera, how can I help?' });
    expect(await op.client.next('ack')).toEqual({ t: 'ack', session, id: 'o1', seq: 2 });
    expect(await v.client.next('msg')).toMatchObject({
      seq: 2,
      id: 'o1',
      from: 'operator',
      name: 'Ada',
      text: 'Hi Vera, how can I help?',
    });

    v.client.send({ t: 'end' });
    expect(await v.client.next('ended')).toEqual({ t: 'ended', reason: 'visitor' });
    expect((await v.client.closed).code).toBe(4002);
    expect(await op.client.next('gone')).toEqual({ t: 'gone', session, reason: 'visitor' });
    expect(dispatcher.jobs).toHaveLength(1);
    expect(dispatcher.jobs[0]).toMatchObject({
      kind: 'transcript',
      id: session,
      site: { id: 'acme', name: 'Acme' },
      to: ['support@acme.example'],
      visitor: { name: 'Vera' },
      truncated: 0,
      operators: ['Ada'],
      endReason: 'visitor',
      tech: {
        ip: '127.0.0.1',
        lang: 'en-GB',
        tz: 'Europe/London',
        screen: { w: 1440, h: 900 },
        referrer: 'https://search.example/',
      },
    });
    const job = dispatcher.jobs[0];
    if (job?.kind !== 'transcript') throw new Error('no transcript');
    expect(job.messages.map((m) => [m.from, m.text])).toEqual([
      ['visitor', 'Hello, is anyone there?'],
      ['system', 'Ada joined the chat'],
      ['operator', 'Hi Vera, how can I help?'],
    ]);
    expect(relay.stats().sessions).toBe(0);
  });

  it('F1, F2: resumes within grace, replays what was missed, and shows nothing twice', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const op = track(await operator(operatorUrl()));
    const first = track(await visitor(visitorUrl()));
    const { session, token } = first.welcome;
    first.client.send({ t: 'msg', id: 'a', text: 'first' });
    await first.client.next('ack');
    op.client.send({ t: 'msg', session, id: 'r1', text: 'reply one' });
    await first.client.next('msg');
    // The network drops (no close frame) while a message is in flight.
    first.client.send({ t: 'msg', id: 'b', text: 'second' });
    first.client.ws.terminate();
    expect((await op.client.next('msg', (f) => f.id === 'b')).seq).toBe(3);
    expect(
      (await op.client.next('visitor', (f) => f.visitor.state === 'detached')).visitor.session,
    ).toBe(session);
    op.client.send({ t: 'msg', session, id: 'r2', text: 'reply two' });
    await op.client.next('ack', (f) => f.id === 'r2');

    // The next page resumes with the last seq it saw (2) and resends its unacked message.
    const again = track(
      await visitor(visitorUrl(), {
        resume: token,
        lastSeq: 2,
        page: { url: 'https://acme.example/cart', title: 'Cart' },
      }),
    );
    expect(again.welcome).toMatchObject({
      session,
      token,
      resumed: true,
      truncated: false,
      agent: { name: 'Ada' },
    });
    expect(await again.client.next('msg')).toMatchObject({ seq: 3, id: 'b', from: 'visitor' });
    expect(await again.client.next('msg')).toMatchObject({ seq: 4, id: 'r2', text: 'reply two' });
    again.client.send({ t: 'msg', id: 'b', text: 'second' });
    expect(await again.client.next('ack')).toEqual({ t: 'ack', id: 'b', seq: 3 });
    again.client.send({ t: 'msg', id: 'c', text: 'third' });
    expect(await again.client.next('ack')).toEqual({ t: 'ack', id: 'c', seq: 5 });
    await op.client.next('msg', (f) => f.id === 'c');
    await op.client.settle();
    // The operator saw 'b' exactly once.
    expect(op.client.queued('msg').filter((f) => f.id === 'b')).toEqual([]);
    const resumed = await op.client.next('visitor', (f) => f.visitor.pages.length === 2);
    expect(resumed.visitor.state).toBe('chatting');
    expect(resumed.visitor.pages.map((p: { title: string }) => p.title)).toEqual(['Shop', 'Cart']);
  });

  it('F3: ends a session once after the grace window; a late resume gets ended', async () => {
    const { visitorUrl, operatorUrl, dispatcher, relay } = await start({
      session: { graceMs: 30 },
    });
    const op = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    v.client.send({ t: 'msg', id: 'a', text: 'are you there' });
    await v.client.next('ack');
    await v.client.close();
    expect(await op.client.next('gone')).toEqual({
      t: 'gone',
      session: v.welcome.session,
      reason: 'expired',
    });
    expect(dispatcher.jobs.map((j) => [j.kind, j.id])).toEqual([['transcript', v.welcome.session]]);
    const late = track({ client: new TestClient(visitorUrl()) });
    await late.client.opened();
    late.client.send({
      t: 'hello',
      page: { url: 'https://acme.example/', title: 'x' },
      client: { lang: 'en', tz: 'UTC', screen: { w: 1, h: 1 } },
      resume: v.welcome.token,
      lastSeq: 1,
    });
    expect(await late.client.next('ended')).toEqual({ t: 'ended', reason: 'unknown' });
    await late.client.settle();
    expect(late.client.queued('welcome')).toEqual([]);
    expect(late.client.queued('msg')).toEqual([]);
    expect(dispatcher.jobs).toHaveLength(1);
    expect(relay.stats().store).toMatchObject({ sessions: 0, graceTimers: 0 });
  });

  it('F4: replays what a reconnecting operator missed, in order', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const first = await operator(operatorUrl());
    const v = track(await visitor(visitorUrl()));
    const session = v.welcome.session;
    await first.client.next('visitor');
    await first.client.close();
    for (let i = 1; i <= 5; i++) {
      v.client.send({ t: 'msg', id: `m${i}`, text: `message ${i}` });
      await v.client.next('ack');
    }
    const back = track(await operator(operatorUrl()));
    const snap = back.ready.visitors.find((x: { session: string }) => x.session === session);
    expect(snap.lastSeq).toBe(5);
    back.client.send({ t: 'sync', session, lastSeq: 0 });
    const replayed = [];
    for (let i = 0; i < 5; i++) replayed.push(await back.client.next('msg'));
    expect(replayed.map((m) => [m.seq, m.text])).toEqual([
      [1, 'message 1'],
      [2, 'message 2'],
      [3, 'message 3'],
      [4, 'message 4'],
      [5, 'message 5'],
    ]);
  });

  it('tells operators which operator wrote a message, live and in replays; never the visitor', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const ada = track(await operator(operatorUrl()));
    const bob = track(await operator(operatorUrl(), KEY_B));
    const v = track(await visitor(visitorUrl()));
    const session = v.welcome.session;
    v.client.send({ t: 'msg', id: 'v1', text: 'Hello?' });
    await ada.client.next('msg');
    await bob.client.next('msg');
    ada.client.send({ t: 'msg', session, id: 'a1', text: 'Hi, Ada here' });
    await ada.client.next('ack');
    const live = await bob.client.next('msg', (m) => m.id === 'a1');
    expect(live).toMatchObject({ from: 'operator', name: 'Ada', operator: 'ada' });
    const toVisitor = await v.client.next('msg', (m) => m.id === 'a1');
    expect(toVisitor).not.toHaveProperty('operator');
    // Ada's console reloads and catches up: her own message says it is hers.
    await ada.client.close();
    const back = track(await operator(operatorUrl()));
    back.client.send({ t: 'sync', session, lastSeq: 0 });
    const replayed = [await back.client.next('msg'), await back.client.next('msg')];
    expect(replayed.map((m) => [m.id, m.from, m.operator])).toEqual([
      ['v1', 'visitor', undefined],
      ['a1', 'operator', 'ada'],
    ]);
    // The visitor's resume replay carries no operator id either.
    await v.client.close();
    const again = track(await visitor(visitorUrl(), { resume: v.welcome.token, lastSeq: 0 }));
    const resumed = [await again.client.next('msg'), await again.client.next('msg')];
    expect(resumed.map((m) => Object.keys(m).includes('operator'))).toEqual([false, false]);
  });

  it('closes the older socket with 4003 when the same session is opened twice', async () => {
    const { visitorUrl } = await start();
    const a = track(await visitor(visitorUrl()));
    const b = track(await visitor(visitorUrl(), { resume: a.welcome.token, lastSeq: 0 }));
    expect(b.welcome.resumed).toBe(true);
    expect((await a.client.closed).code).toBe(4003);
    b.client.send({ t: 'msg', id: 'x', text: 'still here' });
    expect(await b.client.next('ack')).toEqual({ t: 'ack', id: 'x', seq: 1 });
  });

  it('lets a second operator take over, and tells the first', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const ada = track(await operator(operatorUrl()));
    const bob = track(await operator(operatorUrl(), 'ck_test_acme_operator_key_bob_987654'));
    const both = await ada.client.next('operators', (f) => f.operators.length === 2);
    expect(both.operators.map((o: { id: string }) => o.id)).toEqual(['ada', 'bob']);
    const v = track(await visitor(visitorUrl()));
    const session = v.welcome.session;
    ada.client.send({ t: 'accept', session });
    await v.client.next('status', (f) => f.agent?.name === 'Ada');
    bob.client.send({ t: 'accept', session });
    expect(await bob.client.next('error')).toMatchObject({ code: 'forbidden', session });
    bob.client.send({ t: 'accept', session, takeover: true });
    expect(await v.client.next('status', (f) => f.agent?.name === 'Bob')).toMatchObject({
      online: true,
    });
    expect(
      (await ada.client.next('visitor', (f) => f.visitor.owner?.id === 'bob')).visitor.state,
    ).toBe('chatting');
  });

  it('B24: refuses empty and oversized text, and caps history with an explicit truncated marker', async () => {
    const { visitorUrl, dispatcher } = await start({
      session: { graceMs: 60_000, historyCap: 50 },
      limits: { burst: 500, rate: 500 },
    });
    const v = track(await visitor(visitorUrl()));
    for (const text of ['', '   \n\t ', 'x'.repeat(4001)]) {
      v.client.send({ t: 'msg', id: 'bad', text });
      expect(await v.client.next('error')).toMatchObject({ code: 'invalid_frame' });
    }
    for (let i = 1; i <= 120; i++) v.client.send({ t: 'msg', id: `m${i}`, text: `n${i}` });
    expect(await v.client.next('ack', (f) => f.id === 'm120')).toMatchObject({ seq: 120 });
    const again = track(await visitor(visitorUrl(), { resume: v.welcome.token, lastSeq: 0 }));
    expect(again.welcome).toMatchObject({ resumed: true, truncated: true });
    const first = await again.client.next('msg');
    expect([first.seq, first.text]).toEqual([71, 'n71']);
    await again.client.settle();
    expect(again.client.queued('msg')).toHaveLength(49);
    again.client.send({ t: 'end' });
    await again.client.closed;
    const job = dispatcher.jobs[0];
    if (job?.kind !== 'transcript') throw new Error('no transcript');
    expect([job.truncated, job.messages.length, job.messages[0]?.text]).toEqual([70, 50, 'n71']);
  });

  it('coalesces rapid page changes into one trailing upsert for operators', async () => {
    const { visitorUrl, operatorUrl } = await start({ limits: { pageUpsertMs: 300 } });
    const op = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    await op.client.next('visitor');
    for (const name of ['a', 'b', 'c', 'd']) {
      v.client.send({ t: 'page', url: `https://acme.example/${name}?secret=1`, title: name });
    }
    const trailing = await op.client.next('visitor', (f) => f.visitor.pages.length === 5);
    expect(trailing.visitor.page).toEqual({ url: 'https://acme.example/d', title: 'd' });
    await op.client.settle();
    // Nothing between the hello upsert and the trailing one.
    expect(op.client.queued('visitor')).toEqual([]);
  });

  it('sends an invitation only on on-load sites, and accepts offline messages', async () => {
    const { visitorUrl, operatorUrl, dispatcher } = await start();
    const op = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    const bob = track(await operator(operatorUrl(), KEY_B));
    op.client.send({ t: 'invite', session: v.welcome.session, text: 'Need help choosing?' });
    const invite = await v.client.next('invite');
    expect(invite).toMatchObject({ name: 'Ada', text: 'Need help choosing?' });
    // Bob sees that Ada invited (not what she wrote), live and in a fresh ready.
    const seen = await bob.client.next('visitor', (f) => f.visitor.invited !== undefined);
    expect(seen.visitor.invited).toEqual({ name: 'Ada', at: invite.at });
    expect(JSON.stringify(seen)).not.toContain('Need help choosing?');
    const later = track(await operator(operatorUrl(), KEY_B));
    const snap = later.ready.visitors.find(
      (x: { session: string }) => x.session === v.welcome.session,
    );
    expect(snap.invited).toEqual({ name: 'Ada', at: invite.at });
    v.client.send({
      t: 'offline',
      id: 'off1',
      name: 'Vera',
      email: 'vera@example.com',
      text: 'Call me back',
    });
    expect(await v.client.next('queued')).toEqual({ t: 'queued', id: 'off1' });
    const job = dispatcher.jobs.find((j) => j.kind === 'offline');
    expect(job).toMatchObject({
      kind: 'offline',
      to: ['support@acme.example'],
      name: 'Vera',
      email: 'vera@example.com',
      text: 'Call me back',
      page: { url: 'https://acme.example/shop', title: 'Shop' },
    });
    expect(job?.id).not.toBe(v.welcome.session);
  });
});
