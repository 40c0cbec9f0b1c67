import { describe, expect, it } from 'vitest';
import { applyEnv, envSources, parseConfig } from './config.js';
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

  it('17: takes trustProxy as true/false or a list of proxies, and names each bad entry', () => {
    expect(
      parseConfig({ sites: [site], trustProxy: ['loopback', '10.0.0.0/8'] }).trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8']);
    expect(parseConfig({ sites: [site], trustProxy: true }).trustProxy).toBe(true);
    const entry =
      'must be an IP address, a CIDR range like 10.0.0.0/8, or one of loopback, linklocal, uniquelocal';
    expect(issues({ sites: [site], trustProxy: ['loopback', '10.0.0.0/33', 'localhost'] })).toEqual(
      [`trustProxy.1: ${entry}`, `trustProxy.2: ${entry}`],
    );
    expect(issues({ sites: [site], trustProxy: [] })).toEqual([
      expect.stringMatching(/^trustProxy: /),
    ]);
    expect(issues({ sites: [site], trustProxy: 'loopback' })).toEqual([
      expect.stringMatching(/^trustProxy: /),
    ]);
  });

  it('16: takes per-site business hours and names the path of a bad zone, time or day', () => {
    const hours = { timeZone: 'Europe/Berlin', days: { mon: [['09:00', '17:00']] } };
    expect(parseConfig({ sites: [{ ...site, hours }] }).sites[0]?.hours).toEqual(hours);
    expect(
      issues({
        sites: [
          {
            ...site,
            hours: { timeZone: 'Europe/Nowhere', days: { mon: [['9:00', '17:00']], mo: [] } },
          },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        'sites.0.hours.timeZone: must be an IANA time zone like Europe/Berlin',
        'sites.0.hours.days.mon.0.0: must be HH:MM (00:00–24:00)',
        expect.stringMatching(/^sites\.0\.hours\.days(\.mo)?: .*mo/),
      ]),
    );
  });

  it('15: takes the widget theme and an https logo, and refuses any other', () => {
    const widget = { theme: 'dark', logo: 'https://cdn.acme.example/team.png' };
    expect(parseConfig({ sites: [{ ...site, widget }] }).sites[0]?.widget).toEqual(widget);
    for (const logo of ['http://cdn.acme.example/team.png', 'javascript:alert(1)', 'team.png']) {
      expect(issues({ sites: [{ ...site, widget: { logo } }] })).toEqual([
        expect.stringMatching(/^sites\.0\.widget\.logo: /),
      ]);
    }
    expect(issues({ sites: [{ ...site, widget: { theme: 'sepia' } }] })).toEqual([
      expect.stringMatching(/^sites\.0\.widget\.theme: /),
    ]);
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

describe('strict config (issue #12 item 5)', () => {
  it('12.5: refuses a misspelled key with its path and the nearest known key', () => {
    // Each of these used to start a relay with the feature silently off.
    expect(
      issues({
        TLS: { cert: '/etc/c.pem', key: '/etc/k.pem' },
        sites: [{ ...site, trancripts: { to: ['support@acme.example'] } }],
      }),
    ).toEqual([
      'sites.0.trancripts: unknown key, did you mean "transcripts"?',
      'TLS: unknown key, did you mean "tls"?',
    ]);
    expect(
      issues({
        sites: [
          {
            ...site,
            widget: { colour: '#123456' },
            operators: [{ id: 'ada', name: 'Ada', key: `sha256:${'a'.repeat(64)}`, kee: 'x' }],
            canned: [{ shortcut: 'hi', text: 'Hello', txet: 'x' }],
            transcripts: { to: ['a@acme.example'], cc: ['b@acme.example'] },
          },
        ],
        session: { graceMS: 1 },
        limits: { bursts: 3 },
        cluster: { redis: 'redis://127.0.0.1' },
        zzzzzz: true,
      }),
    ).toEqual([
      'sites.0.operators.0.kee: unknown key, did you mean "key"?',
      'sites.0.transcripts.cc: unknown key',
      'sites.0.widget.colour: unknown key, did you mean "color"?',
      'sites.0.canned.0.txet: unknown key, did you mean "text"?',
      'session.graceMS: unknown key, did you mean "graceMs"?',
      'limits.bursts: unknown key, did you mean "burst"?',
      'cluster.redis: unknown key, did you mean "redisUrl"?',
      'zzzzzz: unknown key',
    ]);
  });

  it('takes per-site webhooks, strict: unknown keys, bad URLs, short secrets, unknown events', () => {
    const hook = {
      url: 'https://hooks.acme.example/conduit',
      secret: 'whsec_0123456789abcdef',
      events: ['chat.ended'],
    };
    const config = parseConfig({ sites: [{ ...site, webhooks: [hook] }] });
    expect(config.sites[0]?.webhooks).toEqual([{ ...hook, allowPrivate: false }]);
    expect(parseConfig({ sites: [site] }).sites[0]?.webhooks).toEqual([]);
    expect(
      issues({
        sites: [
          {
            ...site,
            webhooks: [
              { ...hook, secrets: 'x' },
              { ...hook, url: 'ftp://hooks.acme.example/' },
              { ...hook, url: 'https://user:pw@hooks.acme.example/' },
              { ...hook, secret: 'short' },
              { ...hook, events: ['chat.stopped'] },
              { ...hook, allowPrivate: 'yes' },
            ],
          },
        ],
      }),
    ).toEqual([
      'sites.0.webhooks.0.secrets: unknown key, did you mean "secret"?',
      expect.stringMatching(/^sites\.0\.webhooks\.1\.url: /),
      'sites.0.webhooks.2.url: must not carry a user or password (the signature authenticates)',
      expect.stringMatching(/^sites\.0\.webhooks\.3\.secret: /),
      expect.stringMatching(/^sites\.0\.webhooks\.4\.events\.0: /),
      expect.stringMatching(/^sites\.0\.webhooks\.5\.allowPrivate: /),
    ]);
  });

  it('12.5: reports the closest branch of mail, not "invalid input"', () => {
    const smtp = 'smtp://smtp.acme.example';
    expect(issues({ sites: [site], mail: { smtp, form: 'Acme <chat@acme.example>' } })).toEqual([
      'mail.form: unknown key, did you mean "from"?',
    ]);
    expect(issues({ sites: [site], mail: { transport: 'log', smtp } })).toEqual([
      'mail.smtp: unknown key here (it belongs to another form of mail)',
    ]);
  });

  it('12.5: names the environment variable a bad value came from', () => {
    const env = { CONDUIT_PORT: 'abc', CONDUIT_SMTP_URL: 'http://smtp.acme.example' };
    const found = issues2(applyEnv({ sites: [site] }, env), envSources(env));
    expect(found).toEqual([
      expect.stringMatching(/^CONDUIT_PORT: /),
      expect.stringMatching(/^CONDUIT_SMTP_URL: /),
    ]);
    // The same value written in the file is reported by its path.
    expect(issues({ sites: [site], port: 'abc' })).toEqual([expect.stringMatching(/^port: /)]);
  });
});

function issues2(input: unknown, sources: Record<string, string>): string[] {
  try {
    parseConfig(input, sources);
  } catch (error) {
    if (error instanceof RelayError) return error.message.split('\n').slice(1);
    throw error;
  }
  return [];
}

describe('applyEnv', () => {
  it('15: takes identity {secret, required} strictly and never echoes the secret', () => {
    const secret = 's'.repeat(32);
    const config = parseConfig({ sites: [{ ...site, identity: { secret } }] });
    expect(config.sites[0]?.identity).toEqual({ secret, required: false });
    const short = 'SHORT-SECRET-0123456789';
    const refused = issues({
      sites: [
        { ...site, identity: { secret: short, requierd: true } },
        { ...site, id: 'b', preChat: 'optional', identity: { secret, required: true } },
      ],
    });
    expect(refused).toEqual([
      'sites.0.identity.secret: must be at least 32 characters',
      'sites.0.identity.requierd: unknown key, did you mean "required"?',
      'sites.1.preChat: must be "off" when identity.required is true (the form cannot sign)',
    ]);
    expect(refused.join('\n')).not.toContain(short);
    expect(refused.join('\n')).not.toContain(secret);
  });

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
