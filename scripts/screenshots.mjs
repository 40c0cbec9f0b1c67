// `npm run screenshots`: rebuilds the widget and the console from their current source, then
// runs the whole-product journey test in Chromium with CONDUIT_SCREENSHOTS set, so that the
// test writes the README's images to docs/screenshots/ (widget closed, open, mobile; console).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Runs a command in the repo root; exits with its status when it fails. */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    console.error(`screenshots: ${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

for (const name of ['widget', 'console']) run(npm, ['run', 'build', '-w', `@conduit-chat/${name}`]);
run(npx, ['vitest', 'run', '--project', 'browser', 'test-support/journey.browser.test.ts'], {
  CONDUIT_SCREENSHOTS: 'docs/screenshots',
});
console.log('screenshots: written to docs/screenshots/');
