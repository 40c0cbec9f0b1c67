import { CLOSE_CODES } from '@conduit-chat/protocol';
import { type Direction, type FrameFor, parseFrame } from '@conduit-chat/protocol/schema';
import type { Hub, RelayConn } from './hub.js';
import { takeToken } from './token-bucket.js';

// Every inbound frame passes here first: rate limit (CHECKLIST B14), then the protocol's
// parser (B12). Abuse past the configured limits closes the socket with 1008.

/** Returns the parsed frame, or null when it was refused (the client has been told). */
export function admitFrame<D extends 'visitor->relay' | 'operator->relay'>(
  hub: Hub,
  conn: RelayConn,
  direction: D & Direction,
  data: ArrayBuffer,
): FrameFor<D> | null {
  const state = conn.data;
  const limits = hub.config.limits;
  if (!takeToken(state, state.rate)) {
    state.refused++;
    hub.counters.frameRejected('rate_limited');
    if (state.refused >= limits.floodClose) {
      hub.logger.warn({ role: state.role, site: state.site.id }, 'flood: socket closed');
      conn.close(CLOSE_CODES.policy, 'rate limit');
      return null;
    }
    // Say it once per stretch of refused frames, not once per frame of a flood.
    if (!state.limited) hub.sendError(conn, 'rate_limited');
    state.limited = true;
    return null;
  }
  state.limited = false;
  const result = parseFrame(direction, data);
  if (result.ok) return result.frame;
  state.badFrames++;
  hub.counters.frameRejected(result.error.code);
  if (state.badFrames >= limits.badFrames) {
    hub.logger.warn({ role: state.role, site: state.site.id }, 'bad frames: socket closed');
    conn.close(CLOSE_CODES.policy, 'bad frames');
    return null;
  }
  hub.send(conn, { t: 'error', code: result.error.code, message: result.error.message });
  return null;
}

/** Starts the handshake timer: no hello/auth in time → close 4004. */
export function armHandshake(hub: Hub, conn: RelayConn): void {
  conn.data.handshakeTimer = setTimeout(() => {
    conn.data.handshakeTimer = null;
    if (conn.data.phase === 'handshake') conn.close(CLOSE_CODES.handshakeTimeout, 'no handshake');
  }, hub.config.limits.handshakeTimeoutMs);
}

/** Clears the handshake timer (handshake done or socket closed). */
export function disarmHandshake(conn: RelayConn): void {
  if (conn.data.handshakeTimer) clearTimeout(conn.data.handshakeTimer);
  conn.data.handshakeTimer = null;
}
