import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import relayPackage from '../package.json' with { type: 'json' };
import { hashOperatorKey } from './operator-key.js';
import { KEY, ORIGIN, operator, smtpServer, visitor } from './test-relay.js';

// The single-file binary as a self-hoster runs it: copied alone into an empty directory, with a
// PATH of a few coreutils and no node_modules anywhere above, it serves the widget and the
// console from its own assets, runs on the native uWS transport, and mails a transcript.
// `npm run build:binary` builds it (.ci/run does, before the tests); this test does not, so
// that one build serves every run, and it fails when the binary is missing or stale.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BINARY = join(root, 'dist', 'conduit-relay');
// What the binary is built from: a change to any of these needs a new `npm run build:binary`.
const SOURCES = [
  'packages/protocol/src',
  'packages/mail/src',
  'packages/relay/src',
  'packages/relay/demo',
  'packages/relay/scripts',
  'packages/widget/src',
  'packages/console/src',
];

function newestSource(dir: string): { file: string; mtime: number } {
  let newest = { file: dir, mtime: 0 };
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    const candidate = stat.isDirectory()
      ? newestSource(full)
      : /\.test\.tsx?$/.test(name)
        ? { file: full, mtime: 0 }
        : { file: full, mtime: stat.mtimeMs };
    if (candidate.mtime > newest.mtime) newest = candidate;
  }
  return newest;
}

/** The built binary, or an error that says how to build it. */
function builtBinary(): string {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run npm run build:binary (at the repo root) first`);
  }
  const built = statSync(BINARY).mtimeMs;
  for (const dir of SOURCES) {
    const newest = newestSource(join(root, dir));
    if (newest.mtime > built) {
      throw new Error(
        `${BINARY} is older than ${relative(root, newest.file)}: run npm run build:binary again`,
      );
    }
  }
  return BINARY;
}

/** Lines of a stream, with a way to wait for the first one that matches. */
function lineReader(stream: NodeJS.ReadableStream) {
  const lines: string[] = [];
  let partial = '';
  const waiters: Array<() => void> = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    lines,
    async find(test: (line: string) => boolean, what: string): Promise<string> {
      for (let i = 0; i < 200; i++) {
        const hit = lines.find(test);
        if (hit !== undefined) return hit;
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 50);
        });
      }
      throw new Error(`no ${what} in the binary's output:\n${lines.join('\n')}`);
    },
  };
}

describe('conduit-relay binary', () => {
  let dir = '';
  let child: ChildProcess | undefined;
  let smtp: Awaited<ReturnType<typeof smtpServer>> | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conduit-binary-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('13: runs alone in an empty directory on uws, serves the widget and console, and mails a transcript', async () => {
    const binary = builtBinary();
    // Nothing to resolve packages from: no node_modules in the directory or any above it.
    for (let d = dir; d !== dirname(d); d = dirname(d)) {
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    }
    const exe = join(dir, 'conduit-relay');
    copyFileSync(binary, exe);
    const bin = join(dir, 'bin');
    const tmp = join(dir, 'tmp');
    mkdirSync(bin);
    mkdirSync(tmp, { mode: 0o700 });
    for (const tool of ['cat', 'ls', 'env']) {
      const target = ['/usr/bin', '/bin'].map((p) => join(p, tool)).find(existsSync);
      if (target) symlinkSync(target, join(bin, tool));
    }
    smtp = await smtpServer();
    writeFileSync(
      join(dir, 'relay.json'),
      JSON.stringify({
        host: '127.0.0.1',
        port: 0,
        transport: 'uws',
        mail: { from: 'Acme Chat <chat@acme.example>', smtp: smtp.url },
        sites: [
          {
            id: 'acme',
            name: 'Acme',
            origins: [ORIGIN],
            operators: [{ id: 'ada', name: 'Ada', key: hashOperatorKey(KEY) }],
            transcripts: { to: ['support@acme.example'] },
          },
        ],
      }),
    );

    const version = spawn(exe, ['--version'], { cwd: dir, env: { PATH: bin } });
    const versionOut = lineReader(version.stdout);
    expect(await versionOut.find((l) => l.length > 0, 'version')).toBe(relayPackage.version);

    child = spawn(exe, ['--config', 'relay.json'], {
      cwd: dir,
      env: { PATH: bin, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineReader(child.stdout as NodeJS.ReadableStream);
    const listening = JSON.parse(
      await out.find((l) => l.includes('"msg":"listening"'), 'listening line'),
    ) as { port: number; transport: string };
    expect(listening.transport).toBe('uws');
    expect(out.lines.join('\n')).not.toContain('native module unavailable');
    // The native module went through a private temp file that is gone once loaded.
    expect(readdirSync(tmp)).toEqual([]);

    const base = `http://127.0.0.1:${listening.port}`;
    const health = (await (await fetch(`${base}/healthz`)).json()) as { transport: string };
    expect(health.transport).toBe('uws');
    const widget = await fetch(`${base}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(widget.status).toBe(200);
    expect(Buffer.from(await widget.arrayBuffer())).toEqual(
      readFileSync(join(root, 'packages/widget/dist/widget.js')),
    );
    expect((await fetch(`${base}/widget/app.js`)).status).toBe(200);
    const consolePage = await fetch(`${base}/console/`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.headers.get('x-frame-options')).toBe('DENY');
    expect(await consolePage.text()).toBe(
      readFileSync(join(root, 'packages/console/dist/index.html'), 'utf8'),
    );

    const ws = base.replace('http', 'ws');
    const op = await operator(`${ws}/v1/operator?site=acme`);
    const v = await visitor(`${ws}/v1/visitor?site=acme`, {
      info: { name: 'Vera', email: 'vera@example.com' },
    });
    v.client.send({ t: 'msg', id: 'a', text: 'Is the binary on uws?' });
    await v.client.next('ack');
    expect((await op.client.next('msg')).text).toBe('Is the binary on uws?');
    op.client.send({ t: 'msg', session: v.welcome.session, id: 'b', text: 'It is.' });
    expect((await v.client.next('msg')).text).toBe('It is.');
    const arrived = smtp.next();
    v.client.send({ t: 'end' });
    await arrived;
    const [sent] = smtp.received;
    expect(sent?.to).toEqual(['support@acme.example']);
    expect(sent?.mail.text).toContain('Is the binary on uws?');
    expect(sent?.mail.text).toContain('It is.');
    await op.client.close();
    await v.client.close();

    const exited = new Promise<number | null>((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
