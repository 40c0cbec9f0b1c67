import { createRequire } from 'node:module';

// The single-file binary (scripts/build-binary.mjs) is a Node single executable application: its
// files (country database, widget, console, demo, native uWS module) are SEA assets, read
// through `node:sea` (https://nodejs.org/api/single-executable-applications.html).

/** The part of `node:sea` (Node ≥ 20.12) used here. */
export interface SeaAssets {
  isSea(): boolean;
  getRawAsset(key: string): ArrayBuffer;
}

/** `node:sea`, or undefined on a Node without it. */
export function loadSea(): SeaAssets | undefined {
  try {
    return createRequire(import.meta.url)('node:sea') as SeaAssets;
  } catch {
    return undefined; // Node < 20.12 has no node:sea, and so no single-file binary either.
  }
}

/** The running binary's SEA assets; undefined when this process is not a single-file binary. */
export function runningSea(sea: SeaAssets | undefined = loadSea()): SeaAssets | undefined {
  return sea?.isSea() ? sea : undefined;
}

/** The bytes of one SEA asset (not copied), or null when the binary has no such asset. */
export function seaAsset(sea: SeaAssets, key: string): Uint8Array | null {
  try {
    return new Uint8Array(sea.getRawAsset(key));
  } catch {
    return null; // getRawAsset throws for a key that was not embedded
  }
}
