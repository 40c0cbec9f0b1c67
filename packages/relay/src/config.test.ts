import { describe, expect, it } from 'vitest';
import { applyEnv, parseConfig } from './config.js';
import { RelayError } from './errors.js';

const site = { id: 'acme', name: 'Acme', origins: ['https://acme.example'] };

function issues(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof RelayError && error.code === 'config_invalid') {
      return error.message.split('\n').slice(1);
    }
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('fills in every default but sites', () => {
    const config = parseConfig({ sites: [site] });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      transport: 'uws',
      trustProxy: false,
      mail: { transport: 'log' },
      session: { graceMs: 10_000, historyCap: 500, maxPerSite: 1000 },
      limits: { handshakeTimeoutMs: 10_000, idleTimeoutSec: 60, rate: 10, burst: 40 },
      demo: false,
      dev: false,
    });
    expect(config.sites[0]).toMatchObject({
      operators: [],
      connect: 'on-open',
      anonymizeIp: true,
      keepQuery: false,
      preChat: 'off',
      widget: {},
      canned: [],
    });
  });

  it('12.1, 12.4: has the offline budget under limits and the drain limit under shutdown', () => {
    const config = parseConfig({ sites: [site] });
    expect(config.limits).toMatchObject({ offlineBurst: 5, offlineRefillMs: 10_000 });
    expect(config.shutdown).toEqual({ drainMs: 10_000 });
    const custom = parseConfig({
      sites: [site],
      limits: { offlineBurst: 2, offlineRefillMs: 60_000 },
      shutdown: { drainMs: 0 },
    });
    expect([custom.limits.offlineBurst, custom.limits.offlineRefillMs]).toEqual([2, 60_000]);
    expect(custom.shutdown.drainMs).toBe(0);
    // The old key is refused by name rather than silently ignored.
    expect(issues({ sites: [site], limits: { shutdownDrainMs: 5000 } })).toEqual([
      'limits.shutdownDrainMs: moved to shutdown.drainMs',
    ]);
    expect(issues({ sites: [site], limits: { offlineBurst: 0 } })).toHaveLength(1);
  });

  it('reports every invalid field as path: message', () => {
    const found = issues({
      port: 70_000,
      transport: 'tcp',
      sites: [
        {
          id: 'no spaces',
          name: 'A',
          origins: ['https://a.example/path', 'ftp://a.example', 'https://ok.example'],
          operators: [
            { id: 'ada', name: 'Ada', key: 'plain-text-key' },
            { id: 'ada', name: 'Ada 2', key: `sha256:${'a'.repeat(64)}` },
          ],
          widget: { color: 'red' },
        },
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^port: /),
        expect.stringMatching(/^transport: /),
        'sites.0.id: must be letters, digits, _ or -',
        expect.stringMatching(/^sites\.0\.origins\.0: must be an exact origin/),
        expect.stringMatching(/^sites\.0\.origins\.1: must be an exact origin/),
        expect.stringMatching(/^sites\.0\.operators\.0\.key: must be "sha256:"/),
        'sites.0.operators.1.id: duplicate id',
        expect.stringMatching(/^sites\.0\.widget\.color: /),
      ]),
    );
    expect(issues({ sites: [{ ...site, transcripts: { to: ['not an address'] } }] })).toEqual([
      'sites.0.transcripts.to.0: must be a plain address like name@example.com',
    ]);
    // Cross-field checks run once every field is valid.
    expect(issues({ sites: [site, site] })).toEqual(['sites.1.id: duplicate site id']);
    expect(issues({})).toEqual([expect.stringMatching(/^sites: /)]);
  });

  it('takes SMTP mail with a validated sender, and refuses a bad one', () => {
    const smtp = parseConfig({
      sites: [site],
      mail: { smtp: 'smtps://u:p@smtp.acme.example:465' },
    });
    expect(smtp.mail).toEqual({
      transport: 'smtp',
      from: 'Conduit <noreply@conduit.invalid>',
      smtp: 'smtps://u:p@smtp.acme.example:465',
    });
    expect(
      issues({ sites: [site], mail: { smtp: 'http://x.example', from: 'a\r\nBcc: x' } }),
    ).not.toEqual([]);
  });
});

describe('applyEnv', () => {
  it('overrides port, host, SMTP URL and Redis URL from the environment', () => {
    const raw = {
      port: 1,
      host: 'a',
      sites: [site],
      mail: { from: 'Acme <chat@acme.example>', smtp: 'smtp://old.example' },
    };
    const config = parseConfig(
      applyEnv(raw, {
        CONDUIT_PORT: '9090',
        CONDUIT_HOST: '127.0.0.1',
        CONDUIT_SMTP_URL: 'smtps://new.example:465',
        CONDUIT_REDIS_URL: 'redis://127.0.0.1:6379',
      }),
    );
    expect(config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      mail: { from: 'Acme <chat@acme.example>', smtp: 'smtps://new.example:465' },
      cluster: { redisUrl: 'redis://127.0.0.1:6379' },
    });
    expect(issues(applyEnv({ sites: [site] }, { CONDUIT_PORT: 'eighty' }))).toEqual([
      expect.stringMatching(/^port: /),
    ]);
  });
});
