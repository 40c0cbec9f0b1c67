#!/usr/bin/env node
// The `conduit-relay` bin. A committed file rather than dist/cli.js itself, so that npm links
// the bin at `npm ci` time in a fresh clone, before anything is built.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'conduit-relay: the relay is not built yet. Run "npm run build" (or "npm start") first.\n',
  );
  process.exit(1);
}
const { runCli } = await import(cli.href);
runCli();
