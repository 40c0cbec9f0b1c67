import { duration, visitorName } from '../format.js';
import type { ConsoleState } from '../store.js';
import { Name } from './name.js';

/** Props of `ChatList`. */
export interface ChatListProps {
  state: ConsoleState;
  now: number;
  onShow: (session: string | null) => void;
  onAccept: (session: string) => void;
  onOpen: (session: string) => void;
  onCloseTab: (session: string) => void;
}

/**
 * The side bar: the visitors table, the waiting queue (longest wait first), this operator's
 * open chats as tabs with unread counts, and chats other operators hold.
 */
export function ChatList({ state, now, onShow, onAccept, onOpen, onCloseTab }: ChatListProps) {
  const visitors = [...state.visitors.values()];
  const waiting = visitors
    .filter((v) => v.state === 'waiting')
    .sort((a, b) => (a.waitingSince ?? a.startedAt) - (b.waitingSince ?? b.startedAt));
  const others = visitors.filter(
    (v) =>
      v.state === 'chatting' &&
      v.owner &&
      v.owner.id !== state.me?.id &&
      !state.tabs.includes(v.session),
  );
  return (
    <nav class="sidebar" aria-label="Chats">
      <button
        type="button"
        class={state.active === null ? 'nav current' : 'nav'}
        aria-current={state.active === null ? 'page' : undefined}
        onClick={() => onShow(null)}
      >
        Visitors <span class="count">{visitors.length}</span>
      </button>

      <h2>
        Waiting <span class="count">{waiting.length}</span>
      </h2>
      {waiting.length === 0 ? (
        <p class="empty">No one is waiting.</p>
      ) : (
        <ul class="queue" aria-label="Waiting queue">
          {waiting.map((v) => (
            <li key={v.session} data-session={v.session}>
              <Name>{visitorName(v, v.session)}</Name>
              <span class="sub">waiting {duration(now - (v.waitingSince ?? v.startedAt))}</span>
              <button type="button" class="primary" onClick={() => onAccept(v.session)}>
                Accept
              </button>
            </li>
          ))}
        </ul>
      )}

      <h2>Open chats</h2>
      {state.tabs.length === 0 ? (
        <p class="empty">No open chats.</p>
      ) : (
        <ul class="tabs" aria-label="Open chats">
          {state.tabs.map((session) => {
            const chat = state.chats.get(session);
            if (!chat) return null;
            const current = state.active === session;
            return (
              <li key={session} class={current ? 'current' : ''} data-session={session}>
                <button
                  type="button"
                  class="tab"
                  aria-current={current ? 'page' : undefined}
                  onClick={() => onShow(session)}
                >
                  <Name>{visitorName(chat.visitor, session)}</Name>
                  {chat.ended && <span class="sub"> (ended)</span>}
                  {chat.unread > 0 && (
                    <span class="badge">
                      {chat.unread}
                      <span class="sr-only"> unread</span>
                    </span>
                  )}
                </button>
                <button
                  type="button"
                  class="icon"
                  aria-label="Close tab"
                  title="Close tab"
                  onClick={() => onCloseTab(session)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}

      {others.length > 0 && (
        <>
          <h2>Other operators' chats</h2>
          <ul class="others" aria-label="Other operators' chats">
            {others.map((v) => (
              <li key={v.session} data-session={v.session}>
                <Name>{visitorName(v, v.session)}</Name>
                <span class="sub">
                  with <Name>{v.owner?.name ?? ''}</Name>
                </span>
                <button type="button" onClick={() => onOpen(v.session)}>
                  View
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}
