#!/usr/bin/env node
// Builds `conduit-relay` as one executable file with Node's Single Executable Applications
// (https://nodejs.org/api/single-executable-applications.html), Node ≥ 20.12 (assets API).
//
//   node packages/relay/scripts/build-binary.mjs [--out FILE] [--entry FILE] [--keep]
//
// 1. Vite (Rolldown) bundles the CLI and every dependency into one CommonJS file: a SEA's main
//    script can `require` only built-in modules.
// 2. The embedded country database goes in as the SEA asset `country.mmdb`; `createTechLookup`
//    reads it from there (src/tech.ts, `embeddedCountryDb`).
// 3. The native uWebSockets.js addon is left out: a SEA cannot `require` a .node file, so the
//    binary runs on the `ws` transport and says so in its one F15 log line.
// 4. `node --experimental-sea-config` writes the blob; postject injects it into a copy of node.
//
// The result runs on the same OS, CPU and glibc as the node that built it. /widget.js and
// /console/ are not embedded: the binary answers them with the relay's "not built" 404.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(pkgDir, 'package.json'));

// The fuse Node looks for to know it carries a SEA blob (fixed by Node, see the docs above).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// Optional native speed-ups of `ws`; `ws` falls back to JavaScript when they fail to load.
const NATIVE_OPTIONAL = ['bufferutil', 'utf-8-validate'];

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(pkgDir, 'dist-bin', 'conduit-relay') },
    entry: { type: 'string', default: join(pkgDir, 'src', 'cli.ts') },
    keep: { type: 'boolean', default: false },
  },
});

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  throw new Error(`Node ${process.versions.node} has no SEA assets API: use Node ≥ 20.12.`);
}
if (!existsSync(values.entry)) throw new Error(`No CLI entry at ${values.entry}`);

const work = mkdtempSync(join(tmpdir(), 'conduit-sea-'));
try {
  const { build, defaultServerConditions } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: pkgDir,
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
      ssr: values.entry,
      outDir: work,
      emptyOutDir: false,
      minify: false,
      target: 'node20',
      rolldownOptions: {
        external: ['uWebSockets.js'],
        output: { format: 'cjs', entryFileNames: 'conduit-relay.cjs', codeSplitting: false },
      },
    },
  });

  const countryDb = require.resolve(
    '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
  );
  const seaConfig = join(work, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: join(work, 'conduit-relay.cjs'),
      output: join(work, 'sea-prep.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: { 'country.mmdb': countryDb },
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

  execFileSync('mkdir', ['-p', dirname(values.out)]);
  copyFileSync(process.execPath, values.out);
  chmodSync(values.out, 0o755);
  const { inject } = require('postject');
  await inject(values.out, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea-prep.blob')), {
    sentinelFuse: SEA_FUSE,
  });
  process.stdout.write(`conduit-relay binary: ${values.out}\n`);
} finally {
  if (values.keep) process.stdout.write(`work files kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
