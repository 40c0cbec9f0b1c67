import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import relayPackage from '../package.json' with { type: 'json' };
import { type CliIo, main } from './cli.js';
import { parseConfig } from './config.js';
import { configJsonSchema } from './config-json-schema.js';
import { matchOperatorKey } from './operator-key.js';
import { cleanupAfterEach, operator, visitor } from './test-relay.js';

function io(env: CliIo['env'] = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _enc, done) {
        into.push(String(chunk));
        done();
      },
    });
  return {
    io: { stdout: sink(out), stderr: sink(err), env, signals: false } satisfies CliIo,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('conduit-relay', () => {
  const cleanups = cleanupAfterEach();

  it('starts the demo without arguments, logs listening on uws, and prints the operator key', async () => {
    const t = io();
    const result = await main(['--port', '0'], t.io);
    const relay = result.relay;
    if (!relay) throw new Error(t.stderr());
    cleanups.push(() => relay.close());
    const lines = t
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const listening = lines.find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ port: relay.port, transport: 'uws' });
    expect(t.stderr()).toContain(`Demo page:     http://localhost:${relay.port}/demo/`);
    expect(t.stderr()).toContain(`Console:       http://localhost:${relay.port}/console/`);
    expect(t.stderr()).toContain(`Operator key:  ${result.demoKey}`);
    const demo = await fetch(`${relay.url}/demo/`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toMatch(
      /<script src="\/widget\.js" data-site="demo"[^>]* async><\/script>/,
    );
    expect((await fetch(`${relay.url}/demo/product.html`)).status).toBe(200);
    // The demo site accepts its own page as an origin, and the printed key logs in.
    const origin = `http://localhost:${relay.port}`;
    const ws = relay.url.replace('http', 'ws');
    const op = await operator(`${ws}/v1/operator?site=demo`, result.demoKey, origin);
    cleanups.push(() => op.client.close());
    expect(op.ready.site).toEqual({ id: 'demo', name: 'Demo Shop' });
    const v = await visitor(`${ws}/v1/visitor?site=demo`, {}, origin);
    cleanups.push(() => v.client.close());
    expect(v.welcome.widget).toMatchObject({ connect: 'on-load', name: 'Demo Shop' });
    v.client.send({ t: 'msg', id: 'q1', text: 'Do you ship to Norway?' });
    await v.client.next('ack');
    v.client.send({ t: 'end' });
    await v.client.closed;
    // The transcript goes to the log transport: one content-free line (no --dev).
    for (let i = 0; i < 100 && !t.stdout().includes('mail (log transport)'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const mailLine = t
      .stdout()
      .split('\n')
      .find((l) => l.includes('mail (log transport)'));
    expect(JSON.parse(mailLine ?? '{}')).toMatchObject({ kind: 'transcript', site: 'demo' });
    expect(t.stdout()).not.toContain('Norway');
    expect(t.stdout()).not.toContain(result.demoKey);
  });

  it('runs on ws when asked with --transport ws', async () => {
    const t = io();
    const result = await main(['--port', '0', '--transport', 'ws'], t.io);
    if (!result.relay) throw new Error(t.stderr());
    cleanups.push(() => result.relay?.close() ?? Promise.resolve());
    expect(t.stdout()).toContain('"transport":"ws"');
  });

  it('prints a new operator key and its config line with `key`', async () => {
    const t = io();
    expect((await main(['key'], t.io)).code).toBe(0);
    const key = /\n {2}(ck_\S+)\n/.exec(t.stdout())?.[1] ?? '';
    const hash = /"key": "(sha256:[0-9a-f]{64})"/.exec(t.stdout())?.[1] ?? '';
    expect(matchOperatorKey(key, [hash])).toBe(0);
  });

  it('refuses an invalid config file, listing every issue as path: message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
    cleanups.push(async () => rmSync(dir, { recursive: true }));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 'eighty',
        sites: [{ id: 'a b', name: 'A', origins: ['https://a.example/'], operators: [] }],
      }),
    );
    const t = io();
    expect((await main(['--config', file], t.io)).code).toBe(1);
    expect(t.stderr()).toContain('port: ');
    expect(t.stderr()).toContain('sites.0.id: must be letters, digits, _ or -');
    expect(t.stderr()).toContain('sites.0.origins.0: must be an exact origin');
    const t2 = io();
    expect((await main(['--config', join(dir, 'missing.json')], t2.io)).code).toBe(1);
    expect(t2.stderr()).toContain('cannot read');
  });

  it('12.5: refuses a misspelled key and a bad CONDUIT_PORT at start, naming each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
    cleanups.push(async () => rmSync(dir, { recursive: true }));
    const file = join(dir, 'typo.json');
    const site = { id: 'acme', name: 'Acme', origins: ['https://acme.example'] };
    writeFileSync(
      file,
      JSON.stringify({
        host: '127.0.0.1',
        port: 0,
        TLS: { cert: '/etc/conduit/cert.pem', key: '/etc/conduit/key.pem' },
        sites: [{ ...site, trancripts: { to: ['support@acme.example'] } }],
      }),
    );
    const t = io();
    expect((await main(['--config', file], t.io)).code).toBe(1);
    expect(t.stderr()).toContain('TLS: unknown key, did you mean "tls"?');
    expect(t.stderr()).toContain('sites.0.trancripts: unknown key, did you mean "transcripts"?');
    writeFileSync(file, JSON.stringify({ host: '127.0.0.1', sites: [site] }));
    const env = io({ CONDUIT_PORT: 'abc' });
    expect((await main(['--config', file], env.io)).code).toBe(1);
    expect(env.stderr()).toMatch(/\nCONDUIT_PORT: /);
    // A flag overrides the variable, and is named itself when it is the bad value.
    const flag = io({ CONDUIT_PORT: 'abc' });
    expect((await main(['--config', file, '--port', 'x'], flag.io)).code).toBe(1);
    expect(flag.stderr()).toMatch(/\n--port: /);
    expect(flag.stderr()).not.toContain('CONDUIT_PORT');
  });

  it('applies env overrides to a config file and prints help', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
    cleanups.push(async () => rmSync(dir, { recursive: true }));
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({ sites: [{ id: 'acme', name: 'Acme', origins: ['https://acme.example'] }] }),
    );
    const t = io({ CONDUIT_PORT: '0', CONDUIT_HOST: '127.0.0.1' });
    const result = await main(['--config', file], t.io);
    if (!result.relay) throw new Error(t.stderr());
    cleanups.push(() => result.relay?.close() ?? Promise.resolve());
    expect(result.relay.host).toBe('127.0.0.1');
    expect(result.relay.port).toBeGreaterThan(0);
    const help = io();
    expect((await main(['--help'], help.io)).code).toBe(0);
    expect(help.stdout()).toContain('--transport uws|ws');
    expect((await main(['--nope'], io().io)).code).toBe(2);
  });

  it('13: prints the version of the relay package with --version', async () => {
    const t = io();
    expect((await main(['--version'], t.io)).code).toBe(0);
    expect(t.stdout()).toBe(`${relayPackage.version}\n`);
    expect(relayPackage.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('conduit-relay commands that start nothing', () => {
  const cleanups = cleanupAfterEach();
  const selfHost = fileURLToPath(
    new URL('../../../examples/self-host/conduit.json', import.meta.url),
  );

  it('13.5: key --id --name prints a key and a sites[].operators entry the relay accepts', async () => {
    const t = io();
    expect((await main(['key', '--id', 'grace', '--name', 'Grace Hopper'], t.io)).code).toBe(0);
    const key = /\n {2}(ck_\S+)\n/.exec(t.stdout())?.[1] ?? '';
    const entry = JSON.parse(/\n {2}(\{.*\})\n/.exec(t.stdout())?.[1] ?? '{}');
    expect(entry).toEqual({ id: 'grace', name: 'Grace Hopper', key: expect.any(String) });
    expect(matchOperatorKey(key, [entry.key])).toBe(0);
    const config = parseConfig({
      sites: [{ id: 'acme', name: 'Acme', origins: ['https://acme.example'], operators: [entry] }],
    });
    expect(config.sites[0]?.operators).toEqual([entry]);
  });

  it('13.5: key refuses an id or name the config would refuse, naming the option', async () => {
    const t = io();
    expect((await main(['key', '--id', 'a b', '--name', ' '], t.io)).code).toBe(2);
    expect(t.stderr()).toContain('--id: must be letters, digits, _ or -');
    expect(t.stderr()).toMatch(/--name: /);
    expect(t.stdout()).toBe('');
    expect((await main(['--id', 'ada'], io().io)).code).toBe(2);
  });

  it('13.5: check --config validates without starting, exit 0 with a summary and a warning per placeholder key', async () => {
    const t = io();
    const result = await main(['check', '--config', selfHost], t.io);
    expect(result).toEqual({ code: 0 });
    expect(t.stdout()).toBe(
      `${selfHost}: valid (2 site(s), 3 operator(s), mail: smtp, listens on 0.0.0.0:443 with TLS)\n`,
    );
    // The example's operators carry the all-zero placeholder hash.
    expect(t.stderr().trim().split('\n')).toEqual([
      'warning: sites.0.operators.0.key: a placeholder that matches no key (conduit-relay key --id ada --name "Ada" makes one)',
      'warning: sites.0.operators.1.key: a placeholder that matches no key (conduit-relay key --id grace --name "Grace" makes one)',
      'warning: sites.1.operators.0.key: a placeholder that matches no key (conduit-relay key --id hank --name "Hank" makes one)',
    ]);
  });

  it('16.6: check warns about a public webhook over plain http', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
    cleanups.push(async () => rmSync(dir, { recursive: true }));
    const file = join(dir, 'hooks.json');
    const hook = { secret: 'whsec_0123456789abcdef', events: ['chat.ended'] };
    writeFileSync(
      file,
      JSON.stringify({
        sites: [
          {
            id: 'a',
            name: 'A',
            origins: ['https://a.example'],
            webhooks: [
              { ...hook, url: 'https://hooks.a.example/' },
              { ...hook, url: 'http://hooks.a.example/' },
              { ...hook, url: 'http://10.0.0.5/', allowPrivate: true },
            ],
          },
        ],
      }),
    );
    const t = io();
    expect((await main(['check', '--config', file], t.io)).code).toBe(0);
    expect(t.stderr().trim().split('\n')).toEqual([
      'warning: sites.0.webhooks.1.url: http:// sends events unencrypted (use https://)',
    ]);
  });

  it('13.5: check prints every issue as path: message and exits 1; without --config it exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
    cleanups.push(async () => rmSync(dir, { recursive: true }));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 'eighty',
        sites: [{ id: 'a b', name: 'A', origins: ['https://a.example/'], transcripts: { to: [] } }],
      }),
    );
    const t = io();
    expect((await main(['check', '--config', file], t.io)).code).toBe(1);
    const lines = t.stderr().trim().split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^port: /),
      'sites.0.id: must be letters, digits, _ or -',
      expect.stringMatching(/^sites\.0\.origins\.0: must be an exact origin/),
      expect.stringMatching(/^sites\.0\.transcripts\.to: /),
    ]);
    expect(t.stdout()).toBe('');
    const missing = io();
    expect((await main(['check', '--config', join(dir, 'nope.json')], missing.io)).code).toBe(1);
    expect(missing.stderr()).toContain('cannot read');
    expect((await main(['check'], io().io)).code).toBe(2);
  });

  it('13.5: schema prints the JSON Schema of the config file', async () => {
    const t = io();
    expect((await main(['schema'], t.io)).code).toBe(0);
    const schema = JSON.parse(t.stdout());
    expect(schema).toEqual(configJsonSchema());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.sites.items.required).toEqual(['id', 'name', 'origins']);
  });
});
