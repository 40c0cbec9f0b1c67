import { createRequire } from 'node:module';

// The single-file binary has no package.json beside it: its build (scripts/build-binary.mjs)
// puts the version in as a constant. From source or dist, package.json is one level up.
declare const __CONDUIT_RELAY_VERSION__: string | undefined;

/** This relay's version (`conduit-relay --version`). */
export function relayVersion(): string {
  if (typeof __CONDUIT_RELAY_VERSION__ === 'string') return __CONDUIT_RELAY_VERSION__;
  const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
  return pkg.version;
}
