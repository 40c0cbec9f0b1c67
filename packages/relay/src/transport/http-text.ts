import { STATUS_CODES } from 'node:http';
import type { HttpReply } from './transport.js';

// Peer addresses are normalised by `normalizeIp` (ip-address.ts), the relay's one address rule.

// Small helpers both transports share: status lines, plain-text replies, a guarded handler call.

/** '404 Not Found' for 404. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
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
