import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningSea, type SeaAssets, seaAsset } from '../sea.js';

// The uWebSockets.js package silently falls back to a JavaScript implementation (and prints to
// the console) when its native binary does not load. We load the binary ourselves so that we
// know which one we got (SECURITY.md F15) and can say so in one log line.

/** The native uWebSockets.js module (its own typings). */
export type UwsModule = typeof import('uWebSockets.js');

/** Result of `loadUws`: the native module, or why it is not available. */
export type UwsLoad = { ok: true; uws: UwsModule; binary: string } | { ok: false; reason: string };

/** SEA asset holding the native module in the single-file binary (scripts/build-binary.mjs). */
export const SEA_UWS_ASSET = 'uws.node';

const require = createRequire(import.meta.url);

/** The file name of the native module for this process's platform, CPU and Node ABI. */
export function uwsBinaryName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/**
 * The installed package's directory, found the way `require` looks for it: builds whose
 * `exports` leave out `./package.json` cannot be found with `require.resolve` of that file.
 */
function packageDir(): string | undefined {
  for (const base of require.resolve.paths('uWebSockets.js') ?? []) {
    const dir = join(base, 'uWebSockets.js');
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** Loads the native uWebSockets.js binary for this platform, never its JS fallback. */
export function loadUws(sea: SeaAssets | undefined = runningSea()): UwsLoad {
  if (sea) return loadEmbeddedUws(sea);
  const dir = packageDir();
  if (!dir) return { ok: false, reason: 'package uWebSockets.js is not installed' };
  const file = uwsBinaryName();
  // The official package (and its republished builds) keeps binaries at its root, the
  // trufflesuite build under binaries/.
  const candidates = [join(dir, 'binaries', file), join(dir, file)];
  const binary = candidates.find((c) => existsSync(c));
  if (!binary) return { ok: false, reason: `no native binary ${file} in ${dir}` };
  try {
    const uws = require(binary) as UwsModule;
    if (typeof uws.App !== 'function') return { ok: false, reason: `${file} has no App()` };
    return { ok: true, uws, binary };
  } catch (error) {
    return { ok: false, reason: `${file} did not load: ${firstLine(error)}` };
  }
}

/**
 * The single-file binary carries the native module as a SEA asset; the dynamic loader needs a
 * file, so it is written to a fresh private directory (mkdtemp: mode 0700, a name no other
 * user can guess or take over), loaded with `process.dlopen`, and removed at once: the loaded
 * code stays mapped after the file is gone, so nothing is left behind even on SIGKILL.
 */
function loadEmbeddedUws(sea: SeaAssets): UwsLoad {
  const bytes = seaAsset(sea, SEA_UWS_ASSET);
  if (!bytes) return { ok: false, reason: `the binary has no ${SEA_UWS_ASSET} asset` };
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'conduit-uws-'));
    const binary = join(dir, uwsBinaryName());
    writeFileSync(binary, bytes, { mode: 0o500, flag: 'wx' });
    chmodSync(dir, 0o700);
    const module = { exports: {} as UwsModule };
    process.dlopen(module, binary);
    if (typeof module.exports.App !== 'function') {
      return { ok: false, reason: `embedded ${SEA_UWS_ASSET} has no App()` };
    }
    return { ok: true, uws: module.exports, binary: `sea:${SEA_UWS_ASSET}` };
  } catch (error) {
    return { ok: false, reason: `embedded ${SEA_UWS_ASSET} did not load: ${firstLine(error)}` };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
