import { STATUS_CODES } from 'node:http';
import type { HttpReply } from './transport.js';

// Small helpers both transports share: status lines, peer addresses, a guarded handler call.

/** '404 Not Found' for 404. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/**
 * Normalises a peer address: IPv4-mapped IPv6 ('::ffff:1.2.3.4' or uWS's long form
 * '0000:…:ffff:7f00:0001') becomes dotted IPv4; other IPv6 is lower-cased.
 */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && lower.includes('.')) return lower.slice(7);
  const long = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (long?.[1] && long[2]) {
    const hi = Number.parseInt(long[1], 16);
    const lo = Number.parseInt(long[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return lower;
}

/** A plain-text reply. */
export function textReply(status: number, body: string, headers: Record<string, string> = {}) {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    body,
  } satisfies HttpReply;
}

/** Runs an HTTP handler; an exception or rejection becomes a 500 (never escapes the loop). */
export async function safeReply(run: () => HttpReply | Promise<HttpReply>): Promise<HttpReply> {
  try {
    return await run();
  } catch {
    return textReply(500, 'internal error');
  }
}
