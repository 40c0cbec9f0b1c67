import { describe, expect, it } from 'vitest';
import { ORIGIN, OTHER_ORIGIN, relaysPerTest, TestClient, TRANSPORTS } from './test-relay.js';

// Issue #12, item 7: a page on an origin the site does not allow can tell that it is refused
// (browsers hide the 403 of the upgrade), and the operator can read which origin it was.

describe.each(TRANSPORTS)('relay refused origin (%s)', (transport) => {
  const { cleanups, start } = relaysPerTest(transport);

  async function metric(url: string, line: string): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(line));
    return found ? Number(found.slice(line.length).trim()) : 0;
  }

  it('12.7: the refused upgrade stays a 403 with no session, counted, and the log names origin and site', async () => {
    const { relay, visitorUrl, logs } = await start();
    const refused = new TestClient(visitorUrl(), 'https://shop.unlisted.example');
    cleanups.push(() => refused.close());
    await expect(refused.opened()).rejects.toThrow('HTTP 403');
    expect(relay.stats().sessions).toBe(0);
    expect(await metric(relay.url, 'conduit_origin_rejections_total{role="visitor"}')).toBe(1);
    const line = logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'origin rejected');
    expect(line).toMatchObject({ site: 'acme', origin: 'https://shop.unlisted.example' });
  });

  it('12.7: GET /v1/origin says refused (readable by any origin) or allowed, and nothing else', async () => {
    const { relay } = await start();
    const ask = (site: string, origin?: string) =>
      fetch(`${relay.url}/v1/origin?site=${site}`, origin ? { headers: { origin } } : {});
    const allowed = await ask('acme', ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('*');
    for (const [site, origin] of [
      ['acme', 'https://shop.unlisted.example'],
      ['acme', OTHER_ORIGIN],
      ['acme', undefined],
      ['nosuchsite', ORIGIN],
    ] as const) {
      const res = await ask(site, origin);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual({
        code: 'origin_refused',
        message: expect.any(String),
      });
    }
    expect(relay.stats().sessions).toBe(0);
  });
});
