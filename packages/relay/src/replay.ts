import type { RelayToOperator, RelayToVisitor } from '@conduit-chat/protocol';
import type { RelayConn } from './hub.js';
import type { Session, SessionStore, StoredMessage } from './session-store.js';

// History replay (visitor resume, operator `sync`), paced by backpressure: a long history is
// sent in steps while the socket holds less than `highWater` bytes, and continues on `drain`,
// so a catching-up client is never dropped as a slow reader. Live messages of a session being
// replayed to a socket are left to the replay (hub), so everything arrives once, in order.

/** What the replayer needs. */
export interface ReplayerDeps {
  store: SessionStore<RelayConn>;
  send: (conn: RelayConn, frame: RelayToVisitor | RelayToOperator) => void;
  /** Buffered bytes at which a replay pauses until `drain`. */
  highWater: number;
}

/** Creates `replay` (start or widen a replay) and `pump` (continue on drain). */
export function createReplayer(deps: ReplayerDeps) {
  const { store, send, highWater } = deps;

  function frame(conn: RelayConn, session: Session<RelayConn>, m: StoredMessage) {
    const base = { seq: m.seq, id: m.id, from: m.from, text: m.text, at: m.at };
    const named = m.name === undefined ? base : { ...base, name: m.name };
    if (conn.data.role === 'visitor') return { t: 'msg', ...named } as const;
    // Operators also learn who wrote an operator message (a console that reloaded knows its own).
    const frame = { t: 'msg', session: session.id, ...named } as const;
    return m.operator === undefined ? frame : { ...frame, operator: m.operator };
  }

  /** Continues pending replays of `conn`. */
  function pump(conn: RelayConn): void {
    const replays = conn.data.replays;
    if (!replays) return;
    for (const [id, after] of replays) {
      const session = store.get(id);
      const history = session?.history;
      if (session && history) {
        // Each pump starts again from the last seq sent: messages may arrive (and old ones
        // drop) between pumps.
        for (const m of history.after(after)) {
          send(conn, frame(conn, session, m));
          if (conn.closed) return;
          if (conn.bufferedAmount() > highWater) {
            replays.set(id, m.seq);
            return;
          }
        }
      }
      replays.delete(id);
    }
    conn.data.replays = null;
  }

  /** Replays `session`'s messages after `afterSeq` to `conn`. */
  function replay(conn: RelayConn, session: Session<RelayConn>, afterSeq: number): void {
    conn.data.replays ??= new Map();
    const pending = conn.data.replays.get(session.id);
    conn.data.replays.set(
      session.id,
      pending === undefined ? afterSeq : Math.min(pending, afterSeq),
    );
    pump(conn);
  }

  return { replay, pump };
}
