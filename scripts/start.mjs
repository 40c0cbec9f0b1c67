// `npm start`: builds what is not built (or is older than its sources), then runs the relay on
// the embedded demo config. The relay prints the demo page URL, the console URL and the
// operator key. Ctrl-C stops the relay cleanly (it ends sessions and drains mail first).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRelay, buildStale } from './build-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

buildRelay();
// dist/app.js (the chat the launcher loads): an older dist without it is rebuilt.
buildStale('widget', 'dist/app.js', { required: false });
buildStale('console', 'dist/index.html', { required: false });

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
