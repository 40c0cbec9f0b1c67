import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The uWebSockets.js package silently falls back to a JavaScript implementation (and prints to
// the console) when its native binary does not load. We load the binary ourselves so that we
// know which one we got (CHECKLIST F15) and can say so in one log line.

/** The native uWebSockets.js module (its own typings). */
export type UwsModule = typeof import('uWebSockets.js');

/** Result of `loadUws`: the native module, or why it is not available. */
export type UwsLoad = { ok: true; uws: UwsModule; binary: string } | { ok: false; reason: string };

const require = createRequire(import.meta.url);

/** Loads the native uWebSockets.js binary for this platform, never its JS fallback. */
export function loadUws(): UwsLoad {
  let dir: string;
  try {
    dir = dirname(require.resolve('uWebSockets.js/package.json'));
  } catch {
    return { ok: false, reason: 'package uWebSockets.js is not installed' };
  }
  const file = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  // The official package keeps binaries at its root, the trufflesuite build under binaries/.
  const candidates = [join(dir, 'binaries', file), join(dir, file)];
  const binary = candidates.find((c) => existsSync(c));
  if (!binary) return { ok: false, reason: `no native binary ${file} in ${dir}` };
  try {
    const uws = require(binary) as UwsModule;
    if (typeof uws.App !== 'function') return { ok: false, reason: `${file} has no App()` };
    return { ok: true, uws, binary };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `${file} did not load: ${message}` };
  }
}
