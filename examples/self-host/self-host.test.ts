import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  hashOperatorKey,
  loadConfigFile,
  type Relay,
  type RelayConfig,
  startRelay,
} from '@conduit-chat/relay';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeSelfSignedCertificate } from '../../test-support/tls.js';
import { connectOperator } from '../test-operator.js';

// The self-hosting example is a contract: the configs here must be accepted by the relay's own
// loader, and the TLS config must really serve HTTPS and WSS (with a throw-away self-signed
// certificate standing in for Let's Encrypt).

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SMTP_URL = 'smtps://chat%40example.com:s3cret@smtp.example.com:465';

describe('examples/self-host configs', () => {
  it('accepts conduit.json: TLS, two sites, SMTP with the password from the environment', () => {
    const config = loadConfigFile(here('conduit.json'), { CONDUIT_SMTP_URL: SMTP_URL });
    expect(config.tls).toEqual({
      cert: '/run/credentials/conduit-relay.service/fullchain.pem',
      key: '/run/credentials/conduit-relay.service/privkey.pem',
    });
    expect(config.port).toBe(443);
    expect(config.trustProxy).toBe(false);
    expect(config.sites.map((s) => s.id)).toEqual(['acme', 'globex']);
    // The console at the relay's own address connects as each site's operator.
    for (const site of config.sites) expect(site.origins).toContain(config.publicUrl);
    expect(config.mail).toEqual({
      transport: 'smtp',
      from: 'Conduit <chat@example.com>',
      smtp: SMTP_URL,
    });
  });

  it('accepts conduit-behind-proxy.json: loopback, no TLS, trustProxy', () => {
    const config = loadConfigFile(here('conduit-behind-proxy.json'), {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, trustProxy: true });
    expect(config.tls).toBeUndefined();
    expect(config.sites).toHaveLength(2);
  });

  it('accepts the examples dev config (localhost only, mail to the log)', () => {
    const config = loadConfigFile(here('../dev-relay.json'), {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, mail: { transport: 'log' } });
    expect(config.sites[0]?.operators[0]?.key).toBe(
      hashOperatorKey('ck_examples_local_dev_only_not_a_secret'),
    );
  });

  it('12.6: the systemd unit turns core dumps off (LimitCORE=0)', () => {
    const unit = readFileSync(here('conduit-relay.service'), 'utf8');
    const service = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
    expect(service.split('\n').filter((l) => l.startsWith('LimitCORE='))).toEqual(['LimitCORE=0']);
  });

  it('refuses the config with every issue listed when a site origin has a path', () => {
    const raw = JSON.parse(readFileSync(here('conduit.json'), 'utf8'));
    raw.sites[1].origins = ['https://shop.globex.example/'];
    raw.sites[1].transcripts.to = ['not an address'];
    const dir = mkdtempSync(join(tmpdir(), 'conduit-self-host-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify(raw));
      expect(() => loadConfigFile(file, {})).toThrow(
        /sites\.1\.origins\.0: must be an exact origin[\s\S]*sites\.1\.transcripts\.to\.0:/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('examples/self-host TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-tls-'));
  let relay: Relay | undefined;

  afterAll(async () => {
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz over HTTPS and a visitor over WSS with the conduit.json TLS settings', async () => {
    // A self-signed certificate for 127.0.0.1, in the place of Let's Encrypt's.
    const { cert, key } = writeSelfSignedCertificate(dir);
    const ca = readFileSync(cert);
    const config: RelayConfig = loadConfigFile(here('conduit.json'), {});
    // The same file, on a free loopback port, with the test certificate and no real mail.
    relay = await startRelay(
      { ...config, host: '127.0.0.1', port: 0, tls: { cert, key }, mail: { transport: 'log' } },
      { logger: createLogger('silent') },
    );
    expect(relay.url).toBe(`https://127.0.0.1:${relay.port}`);

    const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`${relay!.url}/healthz`, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', sessions: 0 });

    // A visitor of site acme, from its own origin, over WSS.
    const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/v1/visitor?site=acme`, {
      origin: 'https://www.acme.example',
      ca,
    });
    try {
      const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () =>
          ws.send(
            JSON.stringify({
              t: 'hello',
              v: 1,
              page: { url: 'https://www.acme.example/', title: 'Acme', referrer: '' },
              client: { lang: 'en', tz: 'UTC', screen: { w: 1280, h: 800 } },
            }),
          ),
        );
        ws.once('message', (data) => resolve(JSON.parse(String(data))));
      });
      expect(welcome).toMatchObject({ t: 'welcome', online: false });
      expect(relay.stats().sessions).toBe(1);
    } finally {
      ws.terminate();
    }
  });
});

describe('examples/self-host behind a proxy', () => {
  let relay: Relay | undefined;
  const sockets: WebSocket[] = [];

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await relay?.close();
  });

  it('takes the visitor address from the X-Forwarded-For entry the proxy appends, anonymised', async () => {
    const key = 'ck_self_host_proxy_test_key';
    const config = loadConfigFile(here('conduit-behind-proxy.json'), {});
    const sites = config.sites.map((s) => ({
      ...s,
      operators: [{ id: 'ada', name: 'Ada', key: hashOperatorKey(key) }],
    }));
    relay = await startRelay(
      { ...config, port: 0, sites, mail: { transport: 'log' } },
      { logger: createLogger('silent') },
    );
    const operator = await connectOperator(relay.url, 'acme', key, 'https://chat.example.com');
    try {
      // What nginx sends for a visitor at 203.0.113.77 whose browser claimed another address.
      const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/visitor?site=acme`, {
        origin: 'https://acme.example',
        headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.77' },
      });
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(
        JSON.stringify({
          t: 'hello',
          v: 1,
          page: { url: 'https://acme.example/', title: 'Acme', referrer: '' },
          client: { lang: 'en', tz: 'UTC', screen: { w: 1280, h: 800 } },
        }),
      );
      const seen = await operator.next('visitor');
      expect((seen.visitor as { ip?: string }).ip).toBe('203.0.113.0');
    } finally {
      operator.close();
    }
  });
});
