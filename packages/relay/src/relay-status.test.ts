import { describe, expect, it } from 'vitest';
import type { RelayConfigInput } from './config.js';
import {
  KEY_B,
  operator,
  relaysPerTest,
  startTestRelay,
  type TestClient,
  TRANSPORTS,
  testConfig,
  visitor,
} from './test-relay.js';

// Issue #16: an away operator keeps the socket and its chats, but visitors see the site offline
// when every connected operator is away; colleagues see the status in `operators`.
describe.each(TRANSPORTS)('relay operator status (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);
  function track<T extends { client: TestClient }>(x: T): T {
    cleanups.push(() => x.client.close());
    return x;
  }

  it('16: away → the visitor sees offline, colleagues see away; back → online again', async () => {
    const { visitorUrl, operatorUrl } = await start();
    const ada = track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    expect(v.welcome).toMatchObject({ online: true, operators: [{ name: 'Ada' }] });
    const session = v.welcome.session as string;
    ada.client.send({ t: 'accept', session });
    expect(await v.client.next('status')).toMatchObject({ online: true, agent: { name: 'Ada' } });

    ada.client.send({ t: 'status', away: true });
    expect(await v.client.next('status')).toEqual({
      t: 'status',
      online: false,
      operators: [],
      agent: { name: 'Ada' },
    });
    const away = (f: { operators?: unknown }) => JSON.stringify(f.operators).includes('away');
    expect(await ada.client.next('operators', away)).toEqual({
      t: 'operators',
      operators: [{ id: 'ada', name: 'Ada', away: true }],
    });
    // A visitor arriving now gets the offline form's flag in `welcome`.
    const late = track(await visitor(visitorUrl()));
    expect(late.welcome).toMatchObject({ online: false, operators: [] });
    // The away operator still answers the chat it holds.
    ada.client.send({ t: 'msg', session, id: 'r1', text: 'Still here for you' });
    expect(await v.client.next('msg')).toMatchObject({ text: 'Still here for you' });

    // A colleague connecting sees Ada away and brings the site online.
    const bob = track(await operator(operatorUrl(), KEY_B));
    expect(bob.ready.operators).toEqual(
      expect.arrayContaining([{ id: 'ada', name: 'Ada', away: true }]),
    );
    expect(await late.client.next('status')).toMatchObject({ online: true });

    ada.client.send({ t: 'status', away: false });
    const list = await bob.client.next('operators', (f) => !away(f));
    expect(list.operators).toEqual(expect.arrayContaining([{ id: 'ada', name: 'Ada' }]));
    bob.client.send({ t: 'status', away: true });
    ada.client.send({ t: 'status', away: true });
    let status = await late.client.next('status');
    while (status.online) status = await late.client.next('status');
    expect(status).toMatchObject({ online: false, operators: [] });
    ada.client.send({ t: 'status', away: false });
    expect(await late.client.next('status')).toMatchObject({
      online: true,
      operators: [{ name: 'Ada' }],
    });
  });

  /** A relay whose site `acme` has `mon` hours and whose wall clock starts at `startIso`. */
  async function withHours(mon: [string, string][], startIso: string) {
    const base = Date.now();
    const start = Date.parse(startIso);
    const sites: RelayConfigInput['sites'] = testConfig(transport).sites.map((s) =>
      s.id === 'acme' ? { ...s, hours: { timeZone: 'UTC', days: { mon } } } : s,
    );
    const t = await startTestRelay(
      transport,
      { sites },
      {
        wallClock: () => start + (Date.now() - base),
      },
    );
    cleanups.push(() => t.relay.close());
    return t;
  }

  it('16: outside business hours the site is offline with an operator connected; opening tells the visitor', async () => {
    // Monday 08:59:59 UTC; the site opens at 09:00, a second later by the injected clock.
    const { visitorUrl, operatorUrl } = await withHours(
      [['09:00', '17:00']],
      '2026-12-07T08:59:59Z',
    );
    track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    expect(v.welcome).toMatchObject({ online: false, operators: [] });
    expect(await v.client.next('status', (f) => f.online === true)).toMatchObject({
      online: true,
      operators: [{ name: 'Ada' }],
    });
  });

  it('16: at closing time the visitor is told offline without a reconnect', async () => {
    const { visitorUrl, operatorUrl } = await withHours(
      [['08:00', '09:00']],
      '2026-12-07T08:59:59Z',
    );
    track(await operator(operatorUrl()));
    const v = track(await visitor(visitorUrl()));
    expect(v.welcome).toMatchObject({ online: true, operators: [{ name: 'Ada' }] });
    expect(await v.client.next('status')).toEqual({
      t: 'status',
      online: false,
      operators: [],
      agent: null,
    });
    const late = track(await visitor(visitorUrl()));
    expect(late.welcome).toMatchObject({ online: false });
  });
});
