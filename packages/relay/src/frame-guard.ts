import { CLOSE_CODES, LIMITS } from '@conduit-chat/protocol';
import { type Direction, type FrameFor, parseFrame } from '@conduit-chat/protocol/schema';
import type { Hub, RelayConn } from './hub.js';
import { takeToken, waitMs } from './token-bucket.js';

// Every inbound frame passes here first: rate limit (SECURITY.md B14), then the protocol's
// parser (B12). Abuse past the configured limits closes the socket with 1008.
//
// Issue #12, item 2: nothing a visitor typed may be lost or reordered by the rate limit.
// - Typing and page frames have their own small bucket, checked on the frame's leading bytes
//   before any parsing; their excess is dropped silently and never counts toward floodClose.
// - A refused message (`msg`, `offline`) is answered with its `id` and a `retryMs` hint, and
//   is "held": every other message of the connection is refused until the held one comes
//   back, so the client's resend keeps the order whatever was already on the wire.
// - `end` with a session open is never refused: it comes once per session (the session is
//   gone after it), and a visitor who just typed fast must still be able to end the chat.
// - `refused` falls by one for each admitted frame: a client that honours the hints (one
//   refusal per admitted message at worst) never reaches floodClose; a flood does at once.

type Guarded = 'visitor->relay' | 'operator->relay';

// The widget and console serialise `t` first; a frame that starts otherwise pays the message
// bucket (and one that starts so but parses as another type pays it too, below). Every frame
// passes here, so the check is plain byte compares: the byte after `{"t":"` tells `typing`
// (t), `page` (p) and `end` (e) from `msg` (m) before any loop runs.
const encode = (text: string) => new TextEncoder().encode(text);
const TYPING = encode('{"t":"typing"');
const PAGE = encode('{"t":"page"');
const END = encode('{"t":"end"');
const KIND_AT = 6;

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A frame the client keeps in its outbox: refusing it names it, so it can be resent. */
function outboxId(frame: { t: string; id?: string }): string | null {
  return (frame.t === 'msg' || frame.t === 'offline') && frame.id !== undefined ? frame.id : null;
}

/** Returns the parsed frame, or null when it was refused (the client has been told). */
export function admitFrame<D extends Guarded>(
  hub: Hub,
  conn: RelayConn,
  direction: D & Direction,
  data: ArrayBuffer,
): FrameFor<D> | null {
  const state = conn.data;
  const head = new Uint8Array(data);
  const kind = head.length > KIND_AT ? head[KIND_AT] : 0;
  const light =
    (kind === TYPING[KIND_AT] && startsWith(head, TYPING)) ||
    (kind === PAGE[KIND_AT] && startsWith(head, PAGE));
  if (light && !takeToken(state.typing, state.typingRate)) {
    hub.counters.frameRejected('typing_dropped');
    return null;
  }
  const free = light || (kind === END[KIND_AT] && state.session !== null && startsWith(head, END));
  if (!free && !takeToken(state, state.rate)) return refuse(hub, conn, direction, data);
  const result = parseFrame(direction, data);
  if (!result.ok) {
    state.badFrames++;
    hub.counters.frameRejected(result.error.code);
    if (state.badFrames >= hub.config.limits.badFrames) {
      hub.logger.warn({ role: state.role, site: state.site.id }, 'bad frames: socket closed');
      conn.close(CLOSE_CODES.policy, 'bad frames');
      return null;
    }
    hub.send(conn, { t: 'error', code: result.error.code, message: result.error.message });
    return null;
  }
  const frame = result.frame;
  // A frame that looked free but parsed as another type pays like any other.
  const paid = !free || (light ? frame.t === 'typing' || frame.t === 'page' : frame.t === 'end');
  if (!paid && !takeToken(state, state.rate)) return refuse(hub, conn, direction, data, frame);
  const id = outboxId(frame);
  if (id !== null && state.held !== null) {
    if (id !== state.held) {
      // Not the held message: refused without spending the token the held one will need.
      state.tokens += 1;
      return refuse(hub, conn, direction, data, frame);
    }
    state.held = null;
  }
  if (!free) {
    state.limited = false;
    if (state.refused > 0) state.refused--;
  }
  return frame;
}

// A frame the rate limit (or a held message) refused. Parsing happens only to name an outbox
// frame's id; floodClose bounds how many refused frames are ever parsed.
function refuse<D extends Guarded>(
  hub: Hub,
  conn: RelayConn,
  direction: D & Direction,
  data: ArrayBuffer,
  parsed?: FrameFor<D>,
): null {
  const state = conn.data;
  state.refused++;
  hub.counters.frameRejected('rate_limited');
  if (state.refused >= hub.config.limits.floodClose) {
    hub.logger.warn({ role: state.role, site: state.site.id }, 'flood: socket closed');
    conn.close(CLOSE_CODES.policy, 'rate limit');
    return null;
  }
  let frame = parsed;
  if (!frame) {
    const result = parseFrame(direction, data);
    if (result.ok) frame = result.frame;
  }
  const id = frame ? outboxId(frame) : null;
  if (frame && id !== null) {
    state.held ??= id;
    const retryMs = Math.min(LIMITS.retryMs, waitMs(state, state.rate));
    const session = 'session' in frame && typeof frame.session === 'string' ? frame.session : null;
    hub.sendError(conn, 'rate_limited', { id, retryMs, ...(session ? { session } : {}) });
    return null;
  }
  // Anything else (typing excess aside): say it once per stretch, not once per flood frame.
  if (!state.limited) hub.sendError(conn, 'rate_limited');
  state.limited = true;
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
