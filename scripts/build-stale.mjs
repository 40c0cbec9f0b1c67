// Builds a workspace package when its output is missing or older than its `src/`: how
// `npm start` and `npm run dev` avoid a build step before they run.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime as newest } from './newest-mtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Builds a workspace package when `output` is missing or older than its `src/`. */
export function buildStale(name, output, { required }) {
  const dir = join(root, 'packages', name);
  const out = join(dir, output);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(dir, 'src'))) return true;
  console.error(`conduit: building @conduit-chat/${name} …`);
  // Build chatter stays quiet; tsc reports errors on stdout, so that is shown when it fails.
  const result = spawnSync(npm, ['run', 'build', '--if-present', '-w', `@conduit-chat/${name}`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const ok = result.status === 0 && existsSync(out);
  if (!ok && result.stdout) process.stderr.write(result.stdout);
  if (!ok && required) {
    console.error(`conduit: building @conduit-chat/${name} failed; see the errors above.`);
    process.exit(1);
  }
  if (!ok)
    console.error(
      `conduit: @conduit-chat/${name} is not built; the relay serves a notice instead.`,
    );
  return ok;
}

/** The relay and what it is built from (order matters: it reads their type declarations). */
export function buildRelay() {
  buildStale('protocol', 'dist/index.js', { required: true });
  buildStale('mail', 'dist/index.js', { required: true });
  buildStale('relay', 'dist/cli.js', { required: true });
}
