import type {
  CannedResponse,
  EndReason,
  ErrorCode,
  OperatorPresence,
  RelayToOperator,
  VisitorSnapshot,
} from '@conduit-chat/protocol';
import { CONSOLE_LIMITS } from './console-limits.js';
import type { ClientEndReason, ClientState } from './operator-client.js';

/** Where a message stands: in the outbox, stored by the relay, or refused. */
export type DeliveryStatus = 'sending' | 'delivered' | 'failed';

/** One chat message as the console shows it. */
export interface ChatMessage {
  id: string;
  /** The relay's sequence number; null while the message waits in the outbox. */
  seq: number | null;
  from: 'visitor' | 'operator';
  name?: string;
  text: string;
  at: number;
  status: DeliveryStatus;
  /** Written in this console (so its delivery state is ours to show). */
  mine: boolean;
}

/** A chat: the messages and live state of one visitor session. */
export interface Chat {
  session: string;
  messages: ChatMessage[];
  /** Older messages were dropped (`messagesPerChat`). */
  truncated: boolean;
  unread: number;
  visitorTyping: boolean;
  /** Names of other operators typing in this chat. */
  operatorsTyping: string[];
  /** Set once the session is gone; the chat stays readable until its tab is closed. */
  ended: EndReason | null;
  /** Last known snapshot, kept after `gone` so an ended chat still has a name. */
  visitor: VisitorSnapshot | null;
}

/** A person on the operator side. */
export interface Person {
  id: string;
  name: string;
}

/** An error the relay answered with, shown until dismissed. */
export interface ShownError {
  code: ErrorCode | 'local';
  message: string;
  session?: string;
}

/** Everything the views render. Maps are keyed by session id (never plain objects: ids are input). */
export interface ConsoleState {
  connection: ClientState;
  ended: ClientEndReason | null;
  me: Person | null;
  site: Person | null;
  /** The site's connected operators; `away` when away (issue #16). */
  operators: OperatorPresence[];
  canned: CannedResponse[];
  visitors: Map<string, VisitorSnapshot>;
  chats: Map<string, Chat>;
  /** Open chat tabs, in the order they were opened. */
  tabs: string[];
  /** The chat on screen; null shows the visitors table. */
  active: string | null;
  /** The document is visible (unread counts only grow for what the operator cannot see). */
  visible: boolean;
  /** Per session, the last `seq` that existed when we first signed in: older is history. */
  historySeq: Map<string, number>;
  error: ShownError | null;
  /** The relay node cannot reach the rest of its cluster: other nodes' visitors are missing. */
  partial: boolean;
}

/** What can happen to the state. */
export type ConsoleAction =
  | { type: 'frame'; frame: RelayToOperator }
  | { type: 'connection'; state: ClientState; reason?: ClientEndReason }
  | { type: 'sending'; session: string; id: string; text: string; at: number }
  | { type: 'error'; message: string; session?: string }
  | { type: 'open'; session: string }
  | { type: 'show'; session: string | null }
  | { type: 'closeTab'; session: string }
  | { type: 'visible'; visible: boolean }
  | { type: 'dismissError' }
  | { type: 'reset' };

/** Limits the reducer applies. */
export interface StoreLimits {
  messagesPerChat: number;
  endedChatsKept: number;
}

/** The state before sign-in. */
export function initialState(): ConsoleState {
  return {
    connection: 'idle',
    ended: null,
    me: null,
    site: null,
    operators: [],
    canned: [],
    visitors: new Map(),
    chats: new Map(),
    tabs: [],
    active: null,
    visible: true,
    historySeq: new Map(),
    error: null,
    partial: false,
  };
}

/** A chat with nothing in it yet. */
export function emptyChat(session: string, visitor: VisitorSnapshot | null = null): Chat {
  return {
    session,
    messages: [],
    truncated: false,
    unread: 0,
    visitorTyping: false,
    operatorsTyping: [],
    ended: null,
    visitor,
  };
}

/** The pure reducer of the console: no I/O, no clock, no DOM. */
export function reduce(
  state: ConsoleState,
  action: ConsoleAction,
  limits: StoreLimits = CONSOLE_LIMITS,
): ConsoleState {
  switch (action.type) {
    case 'frame':
      return onFrame(state, action.frame, limits);
    case 'connection':
      return { ...state, connection: action.state, ended: action.reason ?? null };
    case 'sending': {
      const chat = state.chats.get(action.session) ?? emptyChat(action.session);
      const message: ChatMessage = {
        id: action.id,
        seq: null,
        from: 'operator',
        text: action.text,
        at: action.at,
        status: 'sending',
        mine: true,
        ...(state.me ? { name: state.me.name } : {}),
      };
      return putChat(state, addMessage(chat, message, limits).chat);
    }
    case 'error':
      return {
        ...state,
        error: {
          code: 'local',
          message: action.message,
          ...(action.session ? { session: action.session } : {}),
        },
      };
    case 'open': {
      const chat = state.chats.get(action.session) ?? emptyChat(action.session);
      const withChat = putChat(state, {
        ...chat,
        visitor: state.visitors.get(action.session) ?? chat.visitor,
      });
      const tabs = withChat.tabs.includes(action.session)
        ? withChat.tabs
        : [...withChat.tabs, action.session];
      return show({ ...withChat, tabs }, action.session);
    }
    case 'show':
      return show(state, action.session);
    case 'closeTab': {
      const tabs = state.tabs.filter((s) => s !== action.session);
      const chats = new Map(state.chats);
      const chat = chats.get(action.session);
      // A live chat keeps its messages (it is still in the queue or list); an ended one goes.
      if (chat?.ended) chats.delete(action.session);
      const active = state.active === action.session ? (tabs.at(-1) ?? null) : state.active;
      return show({ ...state, tabs, chats }, active);
    }
    case 'visible':
      return action.visible
        ? show({ ...state, visible: true }, state.active)
        : { ...state, visible: false };
    case 'dismissError':
      return { ...state, error: null };
    case 'reset':
      return initialState();
  }
}

function show(state: ConsoleState, session: string | null): ConsoleState {
  const active = session !== null && state.chats.has(session) ? session : null;
  const chat = active ? state.chats.get(active) : undefined;
  if (!chat || !state.visible || chat.unread === 0) return { ...state, active };
  return putChat({ ...state, active }, { ...chat, unread: 0 });
}

function putChat(state: ConsoleState, chat: Chat): ConsoleState {
  const chats = new Map(state.chats);
  chats.set(chat.session, chat);
  return { ...state, chats };
}

function onFrame(state: ConsoleState, frame: RelayToOperator, limits: StoreLimits): ConsoleState {
  switch (frame.t) {
    case 'ready':
      return onReady(state, frame);
    case 'visitor':
      return onVisitor(state, frame.visitor);
    case 'gone':
      return onGone(state, frame.session, frame.reason, limits);
    case 'msg': {
      const chat =
        state.chats.get(frame.session) ??
        emptyChat(frame.session, state.visitors.get(frame.session) ?? null);
      const message: ChatMessage = {
        id: frame.id,
        seq: frame.seq,
        from: frame.from,
        text: frame.text,
        at: frame.at,
        status: 'delivered',
        // Ours when the relay says we wrote it: after a reload (history by `sync`), or from
        // another tab signed in with the same key.
        mine:
          frame.from === 'operator' &&
          frame.operator !== undefined &&
          frame.operator === state.me?.id,
        ...(frame.name !== undefined ? { name: frame.name } : {}),
      };
      const { chat: next, added } = addMessage(chat, message, limits);
      const seen = state.visible && state.active === frame.session;
      const history = frame.seq <= (state.historySeq.get(frame.session) ?? 0);
      const unread = added && frame.from === 'visitor' && !seen && !history ? 1 : 0;
      return putChat(state, {
        ...next,
        unread: next.unread + unread,
        visitorTyping: frame.from === 'visitor' ? false : next.visitorTyping,
        operatorsTyping:
          frame.from === 'operator' && frame.name !== undefined
            ? next.operatorsTyping.filter((n) => n !== frame.name)
            : next.operatorsTyping,
      });
    }
    case 'ack': {
      const chat = state.chats.get(frame.session);
      if (!chat) return state;
      const messages = chat.messages.map((m) =>
        m.id === frame.id && m.mine ? { ...m, seq: frame.seq, status: 'delivered' as const } : m,
      );
      return putChat(state, { ...chat, messages: sortBySeq(messages) });
    }
    case 'typing': {
      // A browsing visitor typing (after an invitation, say) gets a chat entry to show it on.
      const v = state.visitors.get(frame.session);
      const chat = state.chats.get(frame.session) ?? (v ? emptyChat(frame.session, v) : undefined);
      if (!chat) return state;
      if (frame.from === 'visitor') return putChat(state, { ...chat, visitorTyping: frame.on });
      const name = frame.name ?? 'Operator';
      if (name === state.me?.name) return state;
      const others = chat.operatorsTyping.filter((n) => n !== name);
      return putChat(state, { ...chat, operatorsTyping: frame.on ? [...others, name] : others });
    }
    case 'operators':
      return { ...state, operators: frame.operators };
    case 'cluster':
      return { ...state, partial: frame.partial };
    case 'error': {
      const error: ShownError = {
        code: frame.code,
        message: frame.message,
        ...(frame.session ? { session: frame.session } : {}),
      };
      const chat = frame.session ? state.chats.get(frame.session) : undefined;
      if (!frame.id || !chat) return { ...state, error };
      const messages = chat.messages.map((m) =>
        m.id === frame.id && m.mine ? { ...m, status: 'failed' as const } : m,
      );
      return putChat({ ...state, error }, { ...chat, messages });
    }
    case 'pong':
      return state;
  }
}

function onReady(state: ConsoleState, frame: Extract<RelayToOperator, { t: 'ready' }>) {
  const first = state.me === null;
  const visitors = new Map(frame.visitors.map((v) => [v.session, v] as const));
  const chats = new Map<string, Chat>();
  for (const [session, chat] of state.chats) {
    const v = visitors.get(session);
    // A session that ended while we were away sent no `gone`: it is over all the same.
    if (v) chats.set(session, { ...chat, visitor: v });
    else if (state.tabs.includes(session)) {
      chats.set(session, { ...chat, ended: chat.ended ?? 'unknown', visitorTyping: false });
    }
  }
  let tabs = state.tabs.filter((s) => chats.has(s));
  for (const v of frame.visitors) {
    if (v.state === 'waiting' || v.state === 'chatting' || v.state === 'detached') {
      if (!chats.has(v.session)) chats.set(v.session, emptyChat(v.session, v));
    }
    if (v.owner?.id === frame.operator.id && !tabs.includes(v.session)) tabs = [...tabs, v.session];
  }
  const historySeq = first
    ? new Map(frame.visitors.map((v) => [v.session, v.lastSeq] as const))
    : state.historySeq;
  return show(
    {
      ...state,
      me: frame.operator,
      site: frame.site,
      operators: frame.operators,
      canned: frame.canned,
      visitors,
      chats,
      tabs,
      historySeq,
      // A fresh sign-in starts whole; a partial node says so right after `ready`.
      partial: false,
    },
    state.active,
  );
}

function onVisitor(state: ConsoleState, v: VisitorSnapshot): ConsoleState {
  const visitors = new Map(state.visitors);
  visitors.set(v.session, v);
  let next: ConsoleState = { ...state, visitors };
  const chat = state.chats.get(v.session);
  // A chat missing from `ready` was taken for over ('unknown'); a clustered relay lists other
  // nodes' visitors just after it, so a snapshot brings the chat back.
  if (chat) {
    const ended = chat.ended === 'unknown' ? null : chat.ended;
    next = putChat(next, { ...chat, visitor: v, ended });
  } else if (v.state !== 'browsing') next = putChat(next, emptyChat(v.session, v));
  if (v.owner && v.owner.id === state.me?.id && !next.tabs.includes(v.session)) {
    next = { ...next, tabs: [...next.tabs, v.session] };
  }
  return next;
}

function onGone(
  state: ConsoleState,
  session: string,
  reason: EndReason,
  limits: StoreLimits,
): ConsoleState {
  const visitors = new Map(state.visitors);
  visitors.delete(session);
  const chats = new Map(state.chats);
  const chat = chats.get(session);
  let tabs = state.tabs;
  if (chat && tabs.includes(session)) {
    chats.set(session, { ...chat, ended: reason, visitorTyping: false, operatorsTyping: [] });
    const ended = tabs.filter((s) => chats.get(s)?.ended);
    for (const old of ended.slice(0, Math.max(0, ended.length - limits.endedChatsKept))) {
      chats.delete(old);
      tabs = tabs.filter((s) => s !== old);
    }
  } else chats.delete(session);
  const historySeq = new Map(state.historySeq);
  historySeq.delete(session);
  return show({ ...state, visitors, chats, tabs, historySeq }, state.active);
}

/** Adds a message unless it is already there (same seq, or same id from the same side). */
function addMessage(
  chat: Chat,
  m: ChatMessage,
  limits: StoreLimits,
): { chat: Chat; added: boolean } {
  if (m.seq !== null && chat.messages.some((x) => x.seq === m.seq)) return { chat, added: false };
  const same = chat.messages.findIndex((x) => x.id === m.id && x.from === m.from);
  if (same >= 0) {
    const old = chat.messages[same]!;
    if (old.seq !== null || m.seq === null) return { chat, added: false };
    const merged: ChatMessage = { ...old, seq: m.seq, at: m.at, status: 'delivered' };
    const messages = chat.messages.map((x, i) => (i === same ? merged : x));
    return { chat: { ...chat, messages: sortBySeq(messages) }, added: false };
  }
  let messages = sortBySeq([...chat.messages, m]);
  let truncated = chat.truncated;
  if (messages.length > limits.messagesPerChat) {
    messages = messages.slice(messages.length - limits.messagesPerChat);
    truncated = true;
  }
  return { chat: { ...chat, messages, truncated }, added: true };
}

// Relay order first; messages still in the outbox stay at the end in the order typed.
function sortBySeq(messages: ChatMessage[]): ChatMessage[] {
  return [...messages].sort((a, b) => {
    if (a.seq === null || b.seq === null) return a.seq === null ? (b.seq === null ? 0 : 1) : -1;
    return a.seq - b.seq;
  });
}
