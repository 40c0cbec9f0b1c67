import { CLOSE_CODES, type FrameOf, type OperatorToRelay } from '@conduit-chat/protocol';
import { admitFrame, armHandshake, disarmHandshake } from './frame-guard.js';
import type { Hub, RelayConn } from './hub.js';
import { matchOperatorKey } from './operator-key.js';
import { addParticipant, type Session } from './session-store.js';

// The console's socket, `/v1/operator?site=ID`: `auth {key}` first, then the site's visitors
// and chats. Every frame that names a session is checked against the operator's own site
// (SECURITY.md B17): a session of another site is answered exactly like one that does not exist.

type Operator = { id: string; name: string };

/** The operator endpoint's handlers. */
export function operatorEndpoint(hub: Hub) {
  const { store } = hub;

  function auth(conn: RelayConn, frame: FrameOf<OperatorToRelay, 'auth'>): void {
    const site = conn.data.site;
    const index = matchOperatorKey(
      frame.key,
      site.operators.map((o) => o.key),
    );
    const found = site.operators[index];
    if (index < 0 || !found) {
      hub.logger.warn({ site: site.id }, 'operator auth failed');
      hub.sendError(conn, 'auth_failed');
      conn.close(CLOSE_CODES.authFailed, 'auth failed');
      return;
    }
    const operator = { id: found.id, name: found.name };
    disarmHandshake(conn);
    conn.data.phase = 'ready';
    conn.data.operator = { ...operator, keyHash: found.key };
    store.addOperator(site.id, conn);
    const visitors = [...store.ofSite(site.id)].map((s) => hub.snapshot(s));
    hub.sendLarge(conn, {
      t: 'ready',
      operator,
      site: { id: site.id, name: site.name },
      operators: hub.presence(site.id),
      visitors,
      canned: site.canned.map((c) => ({ shortcut: c.shortcut, text: c.text })),
    });
    hub.operatorsChanged(site.id);
    hub.remote?.operatorReady(conn);
    hub.logger.info({ site: site.id, operator: operator.id }, 'operator connected');
  }

  /** The operator's own site's session, or null after telling the operator it does not exist. */
  function ownSession(conn: RelayConn, id: string, msgId?: string): Session<RelayConn> | null {
    const session = store.get(id);
    if (session && session.siteId === conn.data.site.id) return session;
    hub.counters.frameRejected('unknown_session');
    hub.sendError(conn, 'unknown_session', msgId ? { session: id, id: msgId } : { session: id });
    return null;
  }

  function join(session: Session<RelayConn>, operator: Operator): void {
    addParticipant(session, operator.name);
  }

  function accept(conn: RelayConn, op: Operator, frame: FrameOf<OperatorToRelay, 'accept'>) {
    const session = ownSession(conn, frame.session);
    if (!session) return;
    if (session.owner && session.owner.id !== op.id && !frame.takeover) {
      hub.sendError(conn, 'forbidden', { session: session.id });
      return;
    }
    if (session.owner?.id === op.id) return;
    const took = session.owner !== null;
    session.owner = { ...op };
    session.waitingSince = null;
    join(session, op);
    store.note(session, took ? `${op.name} took over the chat` : `${op.name} joined the chat`);
    if (session.conn) hub.send(session.conn, hub.statusFrame(session));
    hub.upsert(session);
  }

  function message(conn: RelayConn, op: Operator, frame: FrameOf<OperatorToRelay, 'msg'>) {
    const session = ownSession(conn, frame.session, frame.id);
    if (!session) return;
    if (!session.owner) {
      // Replying to a waiting chat takes it.
      session.owner = { ...op };
      session.waitingSince = null;
      store.note(session, `${op.name} joined the chat`);
      if (session.conn) hub.send(session.conn, hub.statusFrame(session));
      hub.upsert(session);
    }
    join(session, op);
    const { message: m, duplicate } = store.append(session, {
      id: frame.id,
      from: 'operator',
      name: op.name,
      operator: op.id,
      text: frame.text,
    });
    hub.send(conn, { t: 'ack', session: session.id, id: m.id, seq: m.seq });
    if (duplicate) return;
    hub.counters.messageRouted('operator');
    const base = {
      seq: m.seq,
      id: m.id,
      from: 'operator' as const,
      name: op.name,
      text: m.text,
      at: m.at,
    };
    hub.toVisitor(session, { t: 'msg', ...base });
    hub.toOperators(
      session.siteId,
      { t: 'msg', session: session.id, ...base, operator: op.id },
      conn,
    );
  }

  function sync(conn: RelayConn, frame: FrameOf<OperatorToRelay, 'sync'>) {
    const session = ownSession(conn, frame.session);
    if (session) hub.replay(conn, session, frame.lastSeq);
  }

  function ready(conn: RelayConn, op: Operator, frame: OperatorToRelay): void {
    // A session held by another node of the cluster: its node runs the frame (cluster.ts).
    if ('session' in frame && !store.get(frame.session) && hub.remote?.forward(conn, op, frame))
      return;
    switch (frame.t) {
      case 'auth':
        hub.sendError(conn, 'forbidden');
        return;
      case 'accept':
        accept(conn, op, frame);
        return;
      case 'msg':
        message(conn, op, frame);
        return;
      case 'typing': {
        const session = ownSession(conn, frame.session);
        if (!session) return;
        if (session.conn) hub.send(session.conn, { t: 'typing', on: frame.on, name: op.name });
        hub.toOperators(
          session.siteId,
          { t: 'typing', session: session.id, on: frame.on, from: 'operator', name: op.name },
          conn,
        );
        return;
      }
      case 'invite': {
        const session = ownSession(conn, frame.session);
        if (!session) return;
        if (conn.data.site.connect !== 'on-load' || !session.conn) {
          hub.sendError(conn, 'forbidden', { session: session.id });
          return;
        }
        const at = Date.now();
        hub.send(session.conn, { t: 'invite', name: op.name, text: frame.text, at });
        store.note(session, `${op.name} invited the visitor to chat`);
        // Every operator of the site sees who invited (the text stays between them and the visitor).
        session.invited = { name: op.name, at };
        hub.upsert(session);
        return;
      }
      case 'close': {
        const session = ownSession(conn, frame.session);
        if (session) hub.endSession(session, 'operator');
        return;
      }
      case 'sync':
        sync(conn, frame);
        return;
      case 'ping':
        hub.send(conn, { t: 'pong' });
        return;
      case 'status':
        // Per console: its chats and socket stay; only what visitors and colleagues see changes.
        if (conn.data.away === frame.away) return;
        conn.data.away = frame.away;
        hub.operatorsChanged(conn.data.site.id);
        return;
    }
  }

  return {
    /** Runs an authenticated operator's frame (cluster.ts: for an operator on another node). */
    command: ready,
    open(conn: RelayConn): void {
      armHandshake(hub, conn);
    },
    message(conn: RelayConn, data: ArrayBuffer): void {
      const frame = admitFrame(hub, conn, 'operator->relay', data);
      if (!frame) return;
      const op = conn.data.operator;
      // Only id and name travel on (never the key hash into an owner snapshot).
      if (conn.data.phase === 'ready' && op) ready(conn, { id: op.id, name: op.name }, frame);
      else if (frame.t === 'auth') auth(conn, frame);
      else if (frame.t === 'ping') hub.send(conn, { t: 'pong' });
      else hub.sendError(conn, 'not_ready');
    },
    close(conn: RelayConn): void {
      disarmHandshake(conn);
      conn.data.phase = 'closed';
      const site = conn.data.site;
      if (store.removeOperator(site.id, conn)) {
        hub.operatorsChanged(site.id);
        hub.logger.info({ site: site.id, operator: conn.data.operator?.id }, 'operator left');
      }
    },
    /**
     * Closes the sockets of a site's operators whose id and key hash are no longer configured
     * (SECURITY.md B18, after a config reload). Returns how many were closed.
     */
    revoke(siteId: string): number {
      const site = hub.sites.get(siteId);
      let closed = 0;
      for (const conn of [...store.operatorsOf(siteId)]) {
        const op = conn.data.operator;
        const still = site?.operators.some((o) => o.id === op?.id && o.key === op?.keyHash);
        if (still) continue;
        hub.logger.info({ site: siteId, operator: op?.id }, 'operator key revoked');
        conn.close(CLOSE_CODES.authFailed, 'key revoked');
        closed++;
      }
      return closed;
    },
  };
}
