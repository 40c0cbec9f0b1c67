import type { RelayConfig } from './config.js';
import type { Hub } from './hub.js';

// What a config reload (SIGHUP) can change in a running relay: per-site operators, origins,
// canned responses and mail recipients. Everything else needs a restart and is reported.

/** What `reload` applied. */
export interface ReloadResult {
  /** Operator sockets closed because their key was removed or changed. */
  revoked: number;
  /** Changes that were not applied and need a restart. */
  restartNeeded: string[];
}

const RESTART_KEYS = [
  'host',
  'port',
  'transport',
  'tls',
  'trustProxy',
  'session',
  'limits',
  'shutdown',
  'mail',
] as const;

/** Applies `fresh` to the running sites (mutating their config objects) and revokes keys. */
export function applyReload(input: {
  current: RelayConfig;
  fresh: RelayConfig;
  boundPort: number;
  hub: Hub;
  origins: Map<string, Set<string>>;
  revoke: (siteId: string) => number;
}): ReloadResult {
  const { current, fresh, boundPort, hub, origins } = input;
  const restartNeeded: string[] = [];
  for (const key of RESTART_KEYS) {
    if (key === 'port' && (fresh.port === boundPort || fresh.port === current.port)) continue;
    if (JSON.stringify(fresh[key]) !== JSON.stringify(current[key])) restartNeeded.push(key);
  }
  const freshIds = new Set(fresh.sites.map((s) => s.id));
  for (const site of current.sites) {
    if (!freshIds.has(site.id)) restartNeeded.push(`sites.${site.id} (removed)`);
  }
  let revoked = 0;
  for (const update of fresh.sites) {
    const site = hub.sites.get(update.id);
    if (!site) {
      restartNeeded.push(`sites.${update.id} (added)`);
      continue;
    }
    site.operators = update.operators;
    site.canned = update.canned;
    const previous = site.origins;
    site.origins = update.origins;
    if (update.transcripts) site.transcripts = update.transcripts;
    else delete site.transcripts;
    if (update.offline) site.offline = update.offline;
    else delete site.offline;
    site.webhooks = update.webhooks;
    // A rotated identity secret checks the next identify call; earlier checks stand.
    if (update.identity) site.identity = update.identity;
    else delete site.identity;
    const allowed = origins.get(site.id);
    if (allowed) {
      // Keep what the relay added itself (the demo's own address), replace the configured ones.
      for (const o of previous) allowed.delete(o);
      for (const o of update.origins) allowed.add(o);
    }
    revoked += input.revoke(site.id);
  }
  return { revoked, restartNeeded };
}
