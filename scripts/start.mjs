// `npm start`: builds what is not built (or is older than its sources), then runs the relay on
// the embedded demo config. The relay prints the demo page URL, the console URL and the
// operator key. Ctrl-C stops the relay cleanly (it ends sessions and drains mail first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime as newest } from './newest-mtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Builds a workspace package when `output` is missing or older than its `src/`. */
function build(name, output, { required }) {
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

// Order matters: the relay's build reads the protocol's and mail's type declarations.
build('protocol', 'dist/index.js', { required: true });
build('mail', 'dist/index.js', { required: true });
build('relay', 'dist/cli.js', { required: true });
// dist/app.js (the chat the launcher loads): an older dist without it is rebuilt.
build('widget', 'dist/app.js', { required: false });
build('console', 'dist/index.html', { required: false });

const child = spawn(
  process.execPath,
  [join(root, 'packages/relay/dist/cli.js'), '--dev', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the relay directly (same process group); forward what a supervisor sends us.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') child.kill('SIGTERM');
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
