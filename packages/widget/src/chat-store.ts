import type { EndReason, RelayToVisitor, WidgetSettings } from '@conduit-chat/protocol';
import type { ConnectionState, IdleReason } from './connection.js';

/** Who wrote a message as the widget shows it (`system` texts are i18n keys). */
export type Author = 'visitor' | 'operator' | 'system';

/** Delivery of a visitor message: in the outbox, stored by the relay, or refused. */
export type Delivery = 'sending' | 'sent' | 'failed';

/** One line of the conversation. */
export interface ChatMessage {
  /** Client id (visitor) or relay id (operator). */
  id: string;
  /** Relay sequence number; 0 while not acknowledged. */
  seq: number;
  from: Author;
  name?: string | undefined;
  text: string;
  /** Epoch ms. */
  at: number;
  status: Delivery;
}

/** Everything the UI draws, derived only from actions (no I/O). */
export interface ChatState {
  conn: ConnectionState;
  idleReason: IdleReason | null;
  /** Panel open. */
  open: boolean;
  messages: ChatMessage[];
  /** Older messages were cut (relay history cap or `HISTORY_LIMIT`). */
  truncated: boolean;
  /** Operators online; null until the relay said. */
  online: boolean | null;
  operators: string[];
  /** Operator who took the chat. */
  agent: string | null;
  settings: WidgetSettings | null;
  /** Name of the operator typing ('' when unnamed), null when nobody types. */
  typing: string | null;
  /** Operator messages that arrived while the panel was closed. */
  unread: number;
  ended: EndReason | null;
  /** Offline form: the id in flight, or 'sent'. */
  offline: string | 'sent' | null;
  /** Last refusal from the relay (error code), cleared by the next successful send. */
  error: string | null;
}

/** What can happen to a chat. */
export type ChatAction =
  | { type: 'conn'; state: ConnectionState; reason?: IdleReason | undefined }
  | { type: 'frame'; frame: RelayToVisitor; replay: boolean }
  | { type: 'send'; id: string; text: string; at: number }
  | { type: 'offline'; id: string }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'restart' };

/** Most messages kept on screen; older ones are dropped with a "truncated" marker. */
export const HISTORY_LIMIT = 500;

/** The state of a chat nobody has opened yet. */
export function initialChat(): ChatState {
  return {
    conn: 'idle',
    idleReason: null,
    open: false,
    messages: [],
    truncated: false,
    online: null,
    operators: [],
    agent: null,
    settings: null,
    typing: null,
    unread: 0,
    ended: null,
    offline: null,
    error: null,
  };
}

function append(s: ChatState, m: ChatMessage): ChatState {
  const messages = [...s.messages, m];
  const cut = messages.length - HISTORY_LIMIT;
  return cut > 0 ? { ...s, messages: messages.slice(cut), truncated: true } : { ...s, messages };
}

function patch(s: ChatState, id: string, change: Partial<ChatMessage>): ChatState {
  return { ...s, messages: s.messages.map((m) => (m.id === id ? { ...m, ...change } : m)) };
}

/** Pure reducer: the next state of the chat after `a`. */
export function reduce(s: ChatState, a: ChatAction): ChatState {
  switch (a.type) {
    case 'conn':
      return { ...s, conn: a.state, idleReason: a.state === 'idle' ? (a.reason ?? null) : null };
    case 'open':
      return { ...s, open: true, unread: 0 };
    case 'close':
      return { ...s, open: false };
    case 'send':
      return append(
        { ...s, error: null },
        { id: a.id, seq: 0, from: 'visitor', text: a.text, at: a.at, status: 'sending' },
      );
    case 'offline':
      return { ...s, offline: a.id, error: null };
    case 'restart':
      return { ...initialChat(), open: s.open, settings: s.settings, online: s.online };
    case 'frame':
      return frame(s, a.frame, a.replay);
  }
}

function frame(s: ChatState, f: RelayToVisitor, replay: boolean): ChatState {
  switch (f.t) {
    case 'welcome': {
      const lost = !f.resumed && s.messages.some((m) => m.seq > 0);
      const next: ChatState = {
        ...s,
        settings: f.widget,
        online: f.online,
        operators: f.operators.map((o) => o.name),
        agent: f.agent?.name ?? null,
        truncated: s.truncated || f.truncated,
        ended: null,
      };
      // A new session after a lost one: say so, never pass it off as the old chat (F3).
      return lost
        ? append(next, {
            id: `lost${s.messages.length}`,
            seq: 0,
            from: 'system',
            text: 'lost',
            at: Date.now(),
            status: 'sent',
          })
        : next;
    }
    case 'msg': {
      const mine = s.messages.find((m) => m.id === f.id && m.from === f.from);
      if (mine) return patch(s, f.id, { seq: f.seq, at: f.at, status: 'sent' });
      if (s.messages.some((m) => m.seq === f.seq && m.from !== 'system')) return s;
      const counted = f.from === 'operator' && !replay && !s.open;
      return append(
        {
          ...s,
          typing: f.from === 'operator' ? null : s.typing,
          unread: s.unread + (counted ? 1 : 0),
        },
        {
          id: f.id,
          seq: f.seq,
          from: f.from,
          name: f.name,
          text: f.text,
          at: f.at,
          status: 'sent',
        },
      );
    }
    case 'ack':
      return patch(s, f.id, { seq: f.seq, status: 'sent' });
    case 'typing':
      return { ...s, typing: f.on ? (f.name ?? '') : null };
    case 'status':
      return {
        ...s,
        online: f.online,
        operators: f.operators.map((o) => o.name),
        agent: f.agent?.name ?? null,
      };
    case 'invite':
      return append(
        { ...s, unread: s.unread + (s.open ? 0 : 1) },
        {
          id: `invite${f.at}`,
          seq: 0,
          from: 'operator',
          name: f.name,
          text: f.text,
          at: f.at,
          status: 'sent',
        },
      );
    case 'queued':
      return s.offline === f.id ? { ...s, offline: 'sent' } : s;
    case 'ended':
      return {
        ...s,
        ended: f.reason,
        typing: null,
        messages: s.messages.map((m) => (m.status === 'sending' ? { ...m, status: 'failed' } : m)),
      };
    case 'error': {
      const next = { ...s, error: f.code };
      if (!f.id) return next;
      if (s.offline === f.id) return { ...next, offline: null };
      return patch(next, f.id, { status: 'failed' });
    }
    case 'pong':
      return s;
  }
}
