import { describe, expect, it } from 'vitest';
import {
  KEY_B,
  operator,
  relaysPerTest,
  type TestClient,
  TRANSPORTS,
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
});
