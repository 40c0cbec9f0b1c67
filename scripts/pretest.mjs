// `npm test` runs this first: the one build output a test needs and does not build itself is
// the single-file relay binary (packages/relay/src/binary.test.ts runs it). It is rebuilt only
// when missing or older than the packages inside it, so repeated test runs pay nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './newest-mtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist', 'conduit-relay');
const inside = ['protocol', 'mail', 'relay', 'widget', 'console'].map((name) =>
  join(root, 'packages', name),
);
const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
if (built === 0 || inside.some((dir) => newestMtime(dir) > built)) {
  console.error('pretest: building the relay binary (npm run build:binary) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build:binary'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
