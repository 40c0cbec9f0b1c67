#!/usr/bin/env node
// Builds `conduit-relay` as one executable file, a Node single executable application (SEA,
// https://nodejs.org/api/single-executable-applications.html), Node ≥ 20.12 (assets API).
//
//   node packages/relay/scripts/build-binary.mjs [--out FILE] [--node FILE] [--keep]
//
// 1. Vite (Rolldown) bundles the CLI and every JavaScript dependency into one CommonJS file: a
//    SEA's main script can `require` only built-in modules.
// 2. Everything else goes in as SEA assets: the country database (`country.mmdb`, read by
//    src/tech.ts), the native uWebSockets.js module for the embedded Node's ABI (`uws.node`,
//    loaded by src/transport/load-uws.ts through a private temp file and `process.dlopen`),
//    the built widget (`widget/…`), the console (`console/…`) and the demo pages (`demo/…`),
//    served by src/static-assets.ts.
// 3. The embedded Node (--node, default the one running this script) writes the blob with
//    `--experimental-sea-config` (a blob is only read by the Node version that wrote it), and
//    postject injects it into a copy of that Node.
//
// The result runs on Linux with the CPU and a glibc at least as new as those the embedded
// Node and native module need. The widget and console must be built first
// (`npm run build:binary` does that).

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = resolve(pkgDir, '..', '..');
const require = createRequire(join(pkgDir, 'package.json'));

// The fuse Node looks for to know it carries a SEA blob (fixed by Node, see the docs above).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// Optional native speed-ups of `ws`; `ws` falls back to JavaScript when they fail to load.
const NATIVE_OPTIONAL = ['bufferutil', 'utf-8-validate'];
// Files of the widget's dist that the relay serves (its npm-only modules and typings stay out).
const WIDGET_FILE = /^(widget\.js|app\.js|locales\/[a-z]{2}(-[A-Z]{2})?\.js)$/;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(rootDir, 'dist', 'conduit-relay') },
    node: { type: 'string', default: process.execPath },
    keep: { type: 'boolean', default: false },
  },
});
const node = resolve(values.node);
const out = resolve(values.out);

/** Asks the Node to embed for a value (it may be another version than the one running this). */
function nodeEval(code) {
  return execFileSync(node, ['-p', code], { encoding: 'utf8' }).trim();
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full)];
  });
}

/** The SEA assets: name → file. Fails with the command to run when a part is not built. */
function collectAssets(abi, platform) {
  const assets = {};
  assets['country.mmdb'] = require.resolve(
    '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
  );

  const uwsDir = dirname(require.resolve('uWebSockets.js/package.json'));
  const uwsFile = `uws_${platform}_${abi}.node`;
  const uws = [join(uwsDir, 'binaries', uwsFile), join(uwsDir, uwsFile)].find(existsSync);
  if (!uws) throw new Error(`uWebSockets.js has no ${uwsFile} for the Node to embed (${node})`);
  assets['uws.node'] = uws;

  const parts = [
    ['widget', join(rootDir, 'packages', 'widget', 'dist'), (f) => WIDGET_FILE.test(f)],
    ['console', join(rootDir, 'packages', 'console', 'dist'), () => true],
    ['demo', join(pkgDir, 'demo'), () => true],
  ];
  for (const [prefix, dir, keep] of parts) {
    if (!existsSync(dir)) {
      throw new Error(`${dir} is missing: run npm run build -w @conduit-chat/${prefix} first`);
    }
    for (const rel of listFiles(dir).filter(keep)) assets[`${prefix}/${rel}`] = join(dir, rel);
  }
  if (!assets['widget/widget.js'] || !assets['console/index.html']) {
    throw new Error('the widget or the console is not built: run npm run build first');
  }
  return assets;
}

const [major, minor] = nodeEval('process.versions.node').split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  throw new Error(`${node} has no SEA assets API: use Node ≥ 20.12.`);
}
const abi = nodeEval('process.versions.modules');
const platform = nodeEval('process.platform + "_" + process.arch');
const assets = collectAssets(abi, platform);
const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

const work = mkdtempSync(join(tmpdir(), 'conduit-sea-'));
try {
  const { build, defaultServerConditions } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: pkgDir,
    define: { __CONDUIT_RELAY_VERSION__: JSON.stringify(version) },
    ssr: {
      noExternal: true,
      target: 'node',
      resolve: { conditions: ['conduit:source', ...defaultServerConditions] },
    },
    plugins: [
      {
        // A bundled stub that throws, so `ws` takes its JavaScript path without asking the
        // SEA's built-in-only `require` (which would print a warning at start).
        name: 'conduit-no-native-optional',
        enforce: 'pre',
        resolveId: (id) => (NATIVE_OPTIONAL.includes(id) ? `\0native:${id}` : null),
        load: (id) =>
          id.startsWith('\0native:')
            ? `throw new Error(${JSON.stringify(`${id.slice(8)} is not in the binary`)});`
            : null,
      },
    ],
    build: {
      ssr: join(pkgDir, 'src', 'cli.ts'),
      outDir: work,
      emptyOutDir: false,
      minify: false,
      target: 'node20',
      rolldownOptions: {
        // Only its typings are imported: the module itself is the `uws.node` asset.
        external: ['uWebSockets.js'],
        output: { format: 'cjs', entryFileNames: 'conduit-relay.cjs', codeSplitting: false },
      },
    },
  });

  const seaConfig = join(work, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: join(work, 'conduit-relay.cjs'),
      output: join(work, 'sea-prep.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets,
    }),
  );
  execFileSync(node, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  copyFileSync(node, out);
  chmodSync(out, 0o755);
  const { inject } = require('postject');
  await inject(out, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea-prep.blob')), {
    sentinelFuse: SEA_FUSE,
  });
  const count = Object.keys(assets).length;
  process.stdout.write(
    `conduit-relay ${version} (Node ${major}.${minor}, ${platform}, ABI ${abi}, ${count} assets): ${out}\n`,
  );
} finally {
  if (values.keep) process.stdout.write(`work files kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
