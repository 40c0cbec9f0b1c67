import { readFileSync } from 'node:fs';

// Linux /proc readers for the server process: CPU time and RSS without touching the server.

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK is 100 on Linux x86-64). */
export const CLK_TCK = 100;

/**
 * User + system CPU seconds consumed so far by `pid` (all threads).
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Resident set size of `pid` in bytes (VmRSS).
 * @param {number} pid
 */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** This process's soft limit on open files (the bench cannot raise it past the hard limit). */
export function openFileLimit() {
  try {
    const limits = readFileSync('/proc/self/limits', 'latin1');
    const m = /Max open files\s+(\d+)\s+(\d+|unlimited)/.exec(limits);
    return m ? Number(m[1]) : 1024;
  } catch {
    return 1024;
  }
}

/** CPU model, core count (from /proc/cpuinfo). */
export function machine() {
  let model = 'unknown';
  let cores = 0;
  try {
    const info = readFileSync('/proc/cpuinfo', 'latin1');
    model = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? model;
    cores = (info.match(/^processor\s*:/gm) ?? []).length;
  } catch {
    // not Linux: leave unknown
  }
  let memGiB = 0;
  try {
    const mem = readFileSync('/proc/meminfo', 'latin1');
    memGiB = Number(/MemTotal:\s+(\d+) kB/.exec(mem)?.[1] ?? 0) / 1024 / 1024;
  } catch {
    // not Linux
  }
  return { model, cores, memGiB: Math.round(memGiB), node: process.version };
}
