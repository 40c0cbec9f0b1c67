import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hello, TestClient } from '../packages/relay/src/test-relay.js';

// Issue 13, "publish-ready packages": what `npm publish` would ship, tried the way a newcomer
// would. Every package is packed with `npm pack`, the tarballs are installed into an empty
// directory outside the workspace (third-party dependencies from npm's cache, or the registry),
// and from there the relay runs a chat and a small app type-checks and builds with Vite.

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['protocol', 'mail', 'relay', 'widget', 'console'] as const;
type PackageName = (typeof PACKAGES)[number];

/** Files each package's build writes (the oldest of them must be newer than the sources). */
const OUTPUTS: Record<PackageName, string[]> = {
  protocol: ['dist/index.js', 'dist/index.d.ts'],
  mail: ['dist/index.js', 'dist/index.d.ts'],
  relay: ['dist/cli.js', 'dist/index.d.ts'],
  widget: ['dist/widget.js', 'dist/app.js', 'dist/index.js', 'dist/index.d.ts'],
  console: ['dist/index.html', 'dist/lib/index.js', 'dist/lib/index.d.ts'],
};

/** Newest modification time under `path` (a file or a directory). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Packages whose `dist` is missing or older than their `src` or `package.json`. */
function staleBuilds(): PackageName[] {
  return PACKAGES.filter((name) => {
    const dir = join(root, 'packages', name);
    const inputs = Math.max(newest(join(dir, 'src')), newest(join(dir, 'package.json')));
    return OUTPUTS[name].some((out) => {
      const file = join(dir, out);
      return !existsSync(file) || statSync(file).mtimeMs < inputs;
    });
  });
}

/** Runs a command to completion; on failure the error carries its output. */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

interface PackResult {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** Starts the installed `conduit-relay` and resolves with its port once it logs `listening`. */
function startInstalledRelay(bin: string, args: string[], cwd: string) {
  const child = spawn(bin, args, { cwd, env: { PATH: process.env.PATH }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const listening = new Promise<{ port: number; transport: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line; stderr:\n${stderr}`)),
      20_000,
    );
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      for (const line of stdout.split('\n')) {
        if (!line.includes('"listening"')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line) as { port: number; transport: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`conduit-relay exited with ${code}; stderr:\n${stderr}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, listening, exited, output: () => stdout };
}

describe('packed and installed outside the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-pack-'));
  const app = join(dir, 'app');
  const bin = join(app, 'node_modules/.bin/conduit-relay');
  let packed: PackResult[] = [];
  let relay: ChildProcess | undefined;

  beforeAll(() => {
    const stale = staleBuilds();
    if (stale.length > 0) {
      // A fresh clone, or sources changed since the last build (`npm run check` builds first).
      console.warn(`pack-install: building (dist missing or stale: ${stale.join(', ')})`);
      run('npm', ['run', 'build'], root);
      const still = staleBuilds();
      if (still.length > 0) throw new Error(`npm run build left dist stale: ${still.join(', ')}`);
    }
    const workspaces = PACKAGES.flatMap((name) => ['-w', `@conduit-chat/${name}`]);
    packed = JSON.parse(
      run('npm', ['pack', '--json', '--pack-destination', dir, ...workspaces], root),
    ) as PackResult[];
    mkdirSync(app);
    const dependencies: Record<string, string> = { '@types/node': '20.19.43' };
    for (const p of packed) dependencies[p.name] = `file:../${p.filename}`;
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'pack-install-app', private: true, type: 'module', dependencies }),
    );
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app);
  }, 240_000);

  afterAll(() => {
    relay?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('13.4: packs every package with LICENSE, README and CHANGELOG, no tests, and every export target', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      PACKAGES.map((n) => `@conduit-chat/${n}`).sort(),
    );
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toContain('LICENSE');
      expect(files, p.name).toContain('README.md');
      expect(files, p.name).toContain('CHANGELOG.md');
      expect(
        files.filter((f) => /(\.test\.|(^|\/)test-)/.test(f)),
        p.name,
      ).toEqual([]);
      const installed = join(app, 'node_modules', p.name);
      expect(readFileSync(join(installed, 'LICENSE'), 'utf8'), p.name).toBe(license);
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      expect(manifest, p.name).toMatchObject({
        license: 'MIT',
        repository: { directory: `packages/${p.name.split('/')[1]}` },
        publishConfig: { access: 'public' },
        engines: { node: expect.any(String) },
      });
      // Outside the workspace only `types` and `default` count: each must be in the tarball.
      for (const target of Object.values(manifest.exports as Record<string, unknown>)) {
        const paths =
          typeof target === 'string'
            ? [target]
            : Object.entries(target as Record<string, string | null>)
                .filter(([condition, path]) => condition !== 'conduit:source' && path !== null)
                .map(([, path]) => path as string);
        for (const path of paths) expect(files, `${p.name} ${path}`).toContain(path.slice(2));
      }
    }
  });

  it('13.4: runs conduit-relay from the install (key, check, start) and carries a chat both ways', async () => {
    const keyOut = run(bin, ['key', '--id', 'ada', '--name', 'Ada'], app);
    const key = /\n {2}(ck_\S+)\n/.exec(keyOut)?.[1] ?? '';
    const entry = JSON.parse(/\n {2}(\{.*\})\n/.exec(keyOut)?.[1] ?? 'null');
    const origin = 'http://shop.test';
    const configFile = join(dir, 'conduit.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        host: '127.0.0.1',
        port: 0,
        sites: [{ id: 'shop', name: 'Shop', origins: [origin], operators: [entry] }],
      }),
    );
    expect(run(bin, ['check', '--config', configFile], app)).toContain('valid (1 site(s)');

    const started = startInstalledRelay(bin, ['--config', configFile], app);
    relay = started.child;
    const { port, transport } = await started.listening;
    expect(transport).toBe('uws');
    const base = `http://127.0.0.1:${port}`;
    // The widget and the console come from the installed packages beside the relay.
    expect((await fetch(`${base}/widget.js`)).status).toBe(200);
    const consolePage = await fetch(`${base}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<script type="module"');

    const visitor = new TestClient(`ws://127.0.0.1:${port}/v1/visitor?site=shop`, origin);
    const operator = new TestClient(`ws://127.0.0.1:${port}/v1/operator?site=shop`, origin);
    try {
      await Promise.all([visitor.opened(), operator.opened()]);
      operator.send({ t: 'auth', v: 1, key });
      expect((await operator.next('ready')).operator).toMatchObject({ id: 'ada', name: 'Ada' });
      visitor.send(hello({ page: { url: `${origin}/`, title: 'Shop', referrer: '' } }));
      const { session } = await visitor.next('welcome');
      visitor.send({ t: 'msg', id: 'v1', text: 'Is the blue one in stock?' });
      await visitor.next('ack', (f) => f.id === 'v1');
      expect(await operator.next('msg', (f) => f.session === session)).toMatchObject({
        from: 'visitor',
        text: 'Is the blue one in stock?',
      });
      operator.send({ t: 'msg', session, id: 'o1', text: 'Yes, two left.' });
      expect(await visitor.next('msg', (f) => f.from === 'operator')).toMatchObject({
        name: 'Ada',
        text: 'Yes, two left.',
      });
    } finally {
      visitor.close();
      operator.close();
    }
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    relay = undefined;
  });

  it('13.4: type-checks an app against the installed types under node16 and bundler resolution', () => {
    const src = join(app, 'src');
    mkdirSync(src, { recursive: true });
    // One use of each package's public API, as a consumer's code would make it.
    writeFileSync(
      join(src, 'uses.ts'),
      [
        "import { LIMITS } from '@conduit-chat/protocol';",
        "import { parseFrame } from '@conduit-chat/protocol/schema';",
        "import { createDispatcher, logTransport } from '@conduit-chat/mail';",
        "import { hashOperatorKey, startRelay, type RelayConfigInput } from '@conduit-chat/relay';",
        "import { createOperatorClient, initialState, reduce } from '@conduit-chat/console';",
        "import { createChat, type Chat } from '@conduit-chat/widget';",
        '',
        'export const frame = parseFrame(\'visitor->relay\', \'{"t":"ping"}\');',
        'export const textChars: number = LIMITS.textChars;',
        'export const dispatcher = createDispatcher({ transport: logTransport({ dev: false }), from: "a@b.example" });',
        'const config: RelayConfigInput = {',
        "  sites: [{ id: 'a', name: 'A', origins: ['https://a.example'],",
        "    operators: [{ id: 'o', name: 'O', key: hashOperatorKey('k') }] }],",
        '};',
        'export const relay = () => startRelay(config);',
        'export const state = reduce(initialState(), { type: "frame", frame: { t: "pong" } });',
        'export const operator = () =>',
        '  createOperatorClient({ url: "wss://x", key: "k", onFrame: () => {}, onState: () => {} });',
        "export const chat = (): Chat => createChat({ relay: 'https://chat.example', site: 'a' });",
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const resolution of ['node16', 'bundler'] as const) {
      const compilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        module: resolution === 'node16' ? 'node16' : 'esnext',
        moduleResolution: resolution,
      };
      const tsconfig = join(app, `tsconfig.${resolution}.json`);
      writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: ['src/uses.ts'] }));
      run(process.execPath, [tsc, '-p', tsconfig], app);
    }
  }, 120_000);

  it('13.4: builds a Vite app that calls createChat(), keeping the script-tag facade import', async () => {
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>',
    );
    writeFileSync(
      join(app, 'main.ts'),
      "import { createChat } from '@conduit-chat/widget';\n" +
        "const chat = createChat({ relay: 'https://chat.example', site: 'shop' });\n" +
        "chat.on('unread', ({ count }) => { document.title = String(count); });\n",
    );
    // A page that takes the script-tag facade from npm instead of the relay: a bare import,
    // which a bundler keeps only because the package marks the file as a side effect.
    writeFileSync(join(app, 'tag.ts'), "import '@conduit-chat/widget/widget.js';\n");
    const out = (await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        rolldownOptions: { input: { main: join(app, 'index.html'), tag: join(app, 'tag.ts') } },
      },
    })) as Rolldown.RolldownOutput;
    const chunk = (name: string) =>
      out.output.find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.name === name);
    const main = chunk('main')?.code ?? '';
    // The chat's own element and relay endpoint are in the bundle, preact with it.
    expect(main).toContain('conduit-chat');
    expect(main).toContain('/v1/visitor');
    const tag = chunk('tag')?.code ?? '';
    expect(tag).toContain('currentScript');
  });
});
