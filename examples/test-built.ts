import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The example tests use what a user gets: the built widget (`/widget.js`, `dist/index.js`).
// On a fresh clone (CI runs `npm test` without `npm start`) nothing is built yet.

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds workspace package `name` when `output` (relative to the package) is missing. The
 * protocol goes first: the widget's and console's declaration builds read its `.d.ts` files.
 */
export function ensureBuilt(name: string, output: string): void {
  if (name !== 'protocol') ensureBuilt('protocol', 'dist/index.d.ts');
  if (existsSync(`${root}packages/${name}/${output}`)) return;
  execFileSync('npm', ['run', 'build', '-w', `@conduit-chat/${name}`], {
    cwd: root,
    stdio: 'ignore',
  });
}
