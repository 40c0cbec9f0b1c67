import { readFileSync } from 'node:fs';

// A core dump of the relay would hold every live chat in clear (privacy promise 1: nothing on
// disk). Node cannot lower its own RLIMIT_CORE, so the relay reads it and warns (issue #12
// item 6); the systemd unit sets LimitCORE=0.

/** The soft core-file limit in bytes ('unlimited' when unbounded), or null where unknown. */
export type CoreLimit = number | 'unlimited' | null;

/** Parses the "Max core file size" soft limit from the text of /proc/self/limits. */
export function parseCoreLimit(limits: string): CoreLimit {
  const line = limits.split('\n').find((l) => l.startsWith('Max core file size'));
  const soft = line?.slice('Max core file size'.length).trim().split(/\s+/)[0];
  if (soft === undefined || soft === '') return null;
  if (soft === 'unlimited') return 'unlimited';
  const bytes = Number(soft);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : null;
}

/** This process's soft core-file limit (Linux; null elsewhere or when it cannot be read). */
export function readCoreLimit(file = '/proc/self/limits'): CoreLimit {
  try {
    return parseCoreLimit(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** True when a crash of this process may write a core file. */
export function coreDumpsEnabled(limit: CoreLimit): boolean {
  return limit === 'unlimited' || (typeof limit === 'number' && limit > 0);
}
