import type { EndReason, FrameOf, RelayToVisitor, WidgetSettings } from '@conduit-chat/protocol';
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

// Adds a message, keeping at most HISTORY_LIMIT.
function append(s: ChatState, m: ChatMessage): ChatState {
  const messages = [...s.messages, m];
  const cut = messages.length - HISTORY_LIMIT;
  return cut > 0 ? { ...s, messages: messages.slice(cut), truncated: true } : { ...s, messages };
}

function patch(s: ChatState, id: string | undefined, change: Partial<ChatMessage>): ChatState {
  return { ...s, messages: s.messages.map((m) => (m.id === id ? { ...m, ...change } : m)) };
}

// Who is online and who took the chat, from `welcome` or `status`.
function presence(s: ChatState, f: Omit<FrameOf<RelayToVisitor, 'status'>, 't'>): ChatState {
  return {
    ...s,
    online: f.online,
    operators: f.operators.map((o) => o.name),
    agent: f.agent?.name ?? null,
  };
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
      const next: ChatState = {
        ...presence(s, f),
        settings: f.widget,
        truncated: s.truncated || f.truncated,
        ended: null,
      };
      // A new session after a lost one: say so, never pass it off as the old chat (F3).
      const lost = !f.resumed && s.messages.some((m) => m.seq > 0);
      const notice = { id: `lost${s.messages.length}`, seq: 0, text: 'lost', at: Date.now() };
      return lost ? append(next, { ...notice, from: 'system', status: 'sent' }) : next;
    }
    case 'status':
      return presence(s, f);
    case 'msg': {
      // Shown once: ids are unique (the visitor's own come back with theirs after a reconnect;
      // the connection drops replayed seqs it has seen).
      if (s.messages.some((m) => m.id === f.id)) {
        return patch(s, f.id, { seq: f.seq, at: f.at, status: 'sent' });
      }
      const operator = f.from === 'operator';
      return append(
        {
          ...s,
          typing: operator ? null : s.typing,
          unread: s.unread + Number(operator && !replay && !s.open),
        },
        { ...f, status: 'sent' },
      );
    }
    case 'ack':
      return patch(s, f.id, { seq: f.seq, status: 'sent' });
    case 'typing':
      return { ...s, typing: f.on ? (f.name ?? '') : null };
    case 'invite':
      return append(
        { ...s, unread: s.unread + Number(!s.open) },
        { ...f, id: `invite${f.at}`, seq: 0, from: 'operator', status: 'sent' },
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
      return s.offline === f.id
        ? { ...next, offline: null }
        : patch(next, f.id, { status: 'failed' });
    }
  }
  return s;
}
