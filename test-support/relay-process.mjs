import { runnerImport } from 'vite';

// Runs `conduit-relay` (packages/relay/src/cli.ts) from source in a process of its own, for
// tests that must kill a relay the hard way (SECURITY.md F7). Arguments are the CLI's.
// Usage: node test-support/relay-process.mjs --config relay.json
// The workspace packages are bundled from their TypeScript source (`conduit:source`), like the
// tests; other dependencies load from node_modules as usual.
const { module } = await runnerImport(
  new URL('../packages/relay/src/cli.ts', import.meta.url).pathname,
  {
    configFile: false,
    logLevel: 'silent',
    environments: {
      inline: {
        resolve: { noExternal: [/^@conduit-chat\//], conditions: ['conduit:source'] },
      },
    },
  },
);
module.runCli();
