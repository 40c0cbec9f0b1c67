import type { SessionState } from './bus/bus-messages.js';
import { History } from './history.js';
import type { Session } from './session-store.js';

// A session moving between nodes of a cluster (README "Handover"): `exportSession` on the old
// node, `importSession` on the new one. What moves is what the session's snapshot and `msg`
// frames showed operators, plus the transcript's notes: nothing the wire never carried. The
// secret half of the token does not move: the new node has it from the visitor's `hello`.

/** The state of `session` for the node that takes it over. */
export function exportSession(session: Session<unknown>): SessionState {
  const history = session.history ? [...session.history.after(0)] : [];
  return {
    startedAt: session.startedAt,
    lastSeq: session.lastSeq,
    truncated: session.truncated,
    opened: session.opened,
    owner: session.owner ? { ...session.owner } : null,
    participants: [...session.participants],
    waitingSince: session.waitingSince,
    invited: session.invited ? { ...session.invited } : null,
    pages: session.pages.map((p) => ({ ...p })),
    tech: { ...session.tech },
    info: { ...session.info },
    notes: session.notes.map((n) => ({ ...n })),
    history: history.map((m) => ({
      seq: m.seq,
      id: m.id,
      from: m.from,
      text: m.text,
      at: m.at,
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.operator !== undefined ? { operator: m.operator } : {}),
    })),
  };
}

/** A live session rebuilt from a handover, attached to `conn` (same id, same seqs). */
export function importSession<C>(
  input: { id: string; secret: string; siteId: string; conn: C; historyCap: number },
  state: SessionState,
): Session<C> {
  let history: History | null = null;
  let truncated = state.truncated;
  if (state.lastSeq > 0) {
    history = new History(input.historyCap);
    // Seqs are contiguous: the first one held fixes them all.
    history.firstSeq = state.history[0]?.seq ?? state.lastSeq + 1;
    for (const m of state.history) {
      truncated += history.push(m.id, m.from, m.name, m.text, m.at, m.operator);
    }
  }
  const info: Session<C>['info'] = {};
  if (state.info.name) info.name = state.info.name;
  if (state.info.email) info.email = state.info.email;
  if (state.info.custom) info.custom = state.info.custom;
  if (state.info.verifiedId) info.verifiedId = state.info.verifiedId;
  return {
    id: input.id,
    secret: input.secret,
    siteId: input.siteId,
    state: 'active',
    conn: input.conn,
    startedAt: state.startedAt,
    lastSeq: state.lastSeq,
    history,
    truncated,
    opened: state.opened,
    owner: state.owner,
    participants: state.participants,
    waitingSince: state.waitingSince,
    invited: state.invited,
    pages: state.pages,
    tech: state.tech,
    info,
    notes: state.notes,
    graceTimer: null,
    upsertTimer: null,
    lastUpsertAt: 0,
  };
}
