import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { type SeaAssets, seaAsset } from './sea.js';

// Where the bytes of the served files (widget, console, demo) come from: a directory on disk,
// or the SEA assets of the single-file binary, where no directory exists to read them from.

/** A read-only tree of files, addressed by a relative path with `/` separators. */
export interface AssetFiles {
  /** Where the files are, for messages and tests (a directory, or `sea:<prefix>`). */
  readonly where: string;
  /** The file's bytes, or null when it is missing, not a file, or outside the tree. */
  readSync(rel: string): Buffer | null;
  /** Same as `readSync`, without blocking on disk. */
  read(rel: string): Promise<Buffer | null>;
}

/** Resolves `rel` inside `root`; null for anything that would leave it (path traversal). */
export function safeJoin(root: string, rel: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const full = resolve(base, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  return full === base || full.startsWith(base + sep) ? full : null;
}

/** Files under a directory. */
export function dirFiles(dir: string): AssetFiles {
  const path = (rel: string) => {
    const full = safeJoin(dir, rel);
    return full && existsSync(full) && statSync(full).isFile() ? full : null;
  };
  return {
    where: dir,
    readSync(rel) {
      const full = path(rel);
      return full ? readFileSync(full) : null;
    },
    async read(rel) {
      const full = path(rel);
      return full ? readFile(full) : null;
    },
  };
}

/** Files embedded as SEA assets named `<prefix>/<rel>` (see scripts/build-binary.mjs). */
export function seaFiles(sea: SeaAssets, prefix: string): AssetFiles {
  const key = (rel: string) => {
    // The same traversal check as on disk, against a stand-in root, gives a normalised name.
    const full = safeJoin('/sea', rel);
    return full && full !== '/sea' ? `${prefix}${full.slice(4)}` : null;
  };
  const readSync = (rel: string) => {
    const name = key(rel);
    const bytes = name ? seaAsset(sea, name) : null;
    // A view on the binary's own memory: no copy, and never written to.
    return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  };
  return { where: `sea:${prefix}`, readSync, read: async (rel) => readSync(rel) };
}
