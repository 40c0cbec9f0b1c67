import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KEY, operator, TestClient, TRANSPORTS, testConfig } from './test-relay.js';

// `conduit-relay` as an operator runs it: a process of its own (the CLI from source), its
// exit code, its stderr and its log lines.

const RELAY_PROCESS = fileURLToPath(
  new URL('../../../test-support/relay-process.mjs', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'conduit-cli-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RelayProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running: RelayProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
});

/** Starts the CLI with `args`; `shell` wraps it as `bash -c '<shell>; exec node …'`. */
function relayProcess(args: string[], shell?: string): RelayProcess {
  const child = shell
    ? spawn('bash', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, RELAY_PROCESS, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [RELAY_PROCESS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const p = { child, output: () => out, exited };
  running.push(p);
  return p;
}

/** Resolves once the process logged "listening"; rejects if it exits first. */
async function listening(p: RelayProcess): Promise<void> {
  for (let i = 0; i < 3000 && !p.output().includes('"msg":"listening"'); i++) {
    if (p.child.exitCode !== null) throw new Error(`relay exited:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(p.output()).toContain('"msg":"listening"');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configFile(name: string, config: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('conduit-relay process: SIGHUP', () => {
  it('12.5: refuses a reloaded config with a misspelled key and keeps the running one', async () => {
    const port = await freePort();
    const config = { ...testConfig('uws'), port };
    const file = configFile('reload.json', config);
    const relay = relayProcess(['--config', file]);
    await listening(relay);
    // The new file would revoke Ada's key, but misspells a key: none of it may apply.
    const [acme, other] = config.sites;
    if (!acme || !other) throw new Error('no sites');
    const { transcripts, ...rest } = acme;
    const bad = {
      ...config,
      sites: [
        { ...rest, trancripts: transcripts, operators: (acme.operators ?? []).slice(1) },
        other,
      ],
    };
    writeFileSync(file, JSON.stringify(bad));
    relay.child.kill('SIGHUP');
    for (let i = 0; i < 500 && !relay.output().includes('reload failed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(relay.output()).toContain(
      'sites.0.trancripts: unknown key, did you mean "transcripts"?',
    );
    expect(relay.output()).not.toContain('config reloaded');
    const ada = await operator(`ws://127.0.0.1:${port}/v1/operator?site=acme`, KEY);
    expect(ada.ready.operator).toMatchObject({ id: 'ada' });
    await ada.client.close();
    // The corrected file applies: Ada's key is gone now.
    writeFileSync(
      file,
      JSON.stringify({
        ...bad,
        sites: [{ ...bad.sites[0], trancripts: undefined, transcripts }, other],
      }),
    );
    relay.child.kill('SIGHUP');
    for (let i = 0; i < 500 && !relay.output().includes('config reloaded'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const refused = new TestClient(`ws://127.0.0.1:${port}/v1/operator?site=acme`);
    await refused.opened();
    refused.send({ t: 'auth', v: 1, key: KEY });
    expect((await refused.closed).code).toBe(4001);
  }, 60_000);
});

describe('conduit-relay process: core dumps', () => {
  it('12.6: warns at start when core dumps are on, and not when ulimit -c is 0', async () => {
    const file = configFile('core.json', testConfig('uws'));
    // Where the hard limit is lower than unlimited, the soft limit goes as high as it may.
    const on = relayProcess(
      ['--config', file],
      'ulimit -S -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"',
    );
    const off = relayProcess(['--config', file], 'ulimit -c 0');
    await Promise.all([listening(on), listening(off)]);
    const warning = (p: RelayProcess) =>
      p
        .output()
        .split('\n')
        .find((l) => l.includes('core dumps are enabled'));
    expect(JSON.parse(warning(on) ?? '{}')).toMatchObject({
      level: 40,
      coreLimit: expect.anything(),
      msg: expect.stringContaining('LimitCORE=0'),
    });
    expect(warning(off)).toBeUndefined();
  }, 60_000);
});

describe.each(TRANSPORTS)('conduit-relay process (%s)', (transport) => {
  it('12.3: a second relay on a busy port exits 1 with port_in_use naming host:port', async () => {
    const port = await freePort();
    const file = configFile(`busy-${transport}.json`, { ...testConfig(transport), port });
    const first = relayProcess(['--config', file]);
    await listening(first);
    const second = relayProcess(['--config', file]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`port_in_use: 127.0.0.1:${port} is already in use`);
    expect(second.output()).not.toContain('"msg":"listening"');
    // The first relay still answers every request.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', transport });
  }, 60_000);
});
