import type { RelayToOperator } from '@conduit-chat/protocol';
import { visitorName } from './format.js';
import type { ConsoleState } from './store.js';

/** Something the operator should hear about. */
export interface Notice {
  kind: 'chat' | 'message';
  session: string;
  /** The visitor's display name (shown as text only). */
  name: string;
}

/**
 * Which notices a frame causes, by comparing the state before and after it: a visitor who
 * starts waiting is a new chat; a visitor message that raised an unread count is a new message.
 * History replayed at sign-in raises no count, so it makes no noise.
 */
export function noticesFor(
  before: ConsoleState,
  frame: RelayToOperator,
  after: ConsoleState,
): Notice[] {
  if (frame.t === 'visitor') {
    const v = frame.visitor;
    const was = before.visitors.get(v.session);
    if (v.state === 'waiting' && was?.state !== 'waiting') {
      return [{ kind: 'chat', session: v.session, name: visitorName(v, v.session) }];
    }
  }
  if (frame.t === 'msg' && frame.from === 'visitor') {
    const was = before.chats.get(frame.session)?.unread ?? 0;
    const chat = after.chats.get(frame.session);
    if (chat && chat.unread > was) {
      return [
        { kind: 'message', session: frame.session, name: visitorName(chat.visitor, frame.session) },
      ];
    }
  }
  return [];
}

/**
 * The number in the tab title: unread visitor messages, plus one for every waiting chat that
 * has none (a waiting visitor always counts).
 */
export function titleCount(state: ConsoleState): number {
  let n = 0;
  for (const chat of state.chats.values()) n += chat.unread;
  for (const v of state.visitors.values()) {
    if (v.state === 'waiting' && (state.chats.get(v.session)?.unread ?? 0) === 0) n++;
  }
  return n;
}

/** The document title for a count and site name. */
export function titleText(count: number, site: string | null): string {
  const base = site ? `${site} · Conduit console` : 'Conduit console';
  return count > 0 ? `(${count}) ${base}` : base;
}
