import { defaultServerConditions, runnerImport } from 'vite';

// Runs `conduit-relay` (packages/relay/src/cli.ts) from source in a process of its own, for
// tests that must kill a relay the hard way (CHECKLIST F7). Arguments are the CLI's.
// Usage: node test-support/relay-process.mjs --config relay.json
const { module } = await runnerImport(
  new URL('../packages/relay/src/cli.ts', import.meta.url).pathname,
  {
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['conduit:source', ...defaultServerConditions] },
    ssr: { resolve: { conditions: ['conduit:source', ...defaultServerConditions] } },
  },
);
module.runCli();
