import type { CannedResponse, EndReason } from '@conduit-chat/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clockTime, duration, pagePath, referrerLabel, visitorName } from '../format.js';
import type { Chat, ChatMessage, Person } from '../store.js';
import { Composer } from './composer.js';
import { MessageText } from './message-text.js';
import { Name } from './name.js';
import { VerifiedBadge } from './verified-badge.js';

/** Props of `ChatView`. */
export interface ChatViewProps {
  chat: Chat;
  me: Person | null;
  canned: CannedResponse[];
  now: number;
  draft: string;
  onDraft: (text: string) => void;
  onAccept: (takeover: boolean) => void;
  onSend: (text: string) => boolean;
  onTyping: () => void;
  onClose: () => void;
}

const ENDED: Record<EndReason, string> = {
  visitor: 'The visitor ended the chat.',
  operator: 'The chat was closed by an operator.',
  expired: 'The visitor left.',
  shutdown: 'The relay shut down.',
  unknown: 'The chat is over.',
  limit: 'The chat reached a relay limit.',
};

/** Pages listed in a chat's facts (the most recent ones). */
const PAGES_SHOWN = 10;

const STATUS: Record<ChatMessage['status'], string> = {
  sending: 'Sending…',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

/** One chat: who, what they see, the messages, typing, and the composer. */
export function ChatView(props: ChatViewProps) {
  const { chat, me, now } = props;
  const v = chat.visitor;
  const name = visitorName(v, chat.session);
  const owner = v?.owner ?? null;
  const mine = owner !== null && owner.id === me?.id;
  const [confirming, setConfirming] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const count = chat.messages.length;

  // Keep the newest message in view as messages arrive.
  useEffect(() => {
    const el = log.current;
    if (el && count >= 0) el.scrollTop = el.scrollHeight;
  }, [count, chat.visitorTyping]);

  return (
    <section class="chat" aria-labelledby="chat-title" data-session={chat.session}>
      <header class="chat-head">
        <div>
          <h2 id="chat-title">
            <Name>{name}</Name>
            <VerifiedBadge v={v} />
          </h2>
          <p class="sub">
            {chat.ended ? (
              'Ended'
            ) : v?.state === 'waiting' ? (
              `Waiting for ${duration(now - (v.waitingSince ?? v.startedAt))}`
            ) : owner ? (
              <>
                Chatting with <Name>{mine ? 'you' : owner.name}</Name>
              </>
            ) : v?.state === 'detached' ? (
              'Left the page (may come back)'
            ) : (
              'Browsing'
            )}
          </p>
        </div>
        {!chat.ended && (
          <div class="actions">
            {v?.state === 'waiting' && (
              <button type="button" class="primary" onClick={() => props.onAccept(false)}>
                Accept
              </button>
            )}
            {owner && !mine && (
              <button type="button" onClick={() => props.onAccept(true)}>
                Take over
              </button>
            )}
            {confirming ? (
              <span class="confirm">
                Close this chat and send the transcript?{' '}
                <button
                  type="button"
                  class="danger"
                  onClick={() => {
                    setConfirming(false);
                    props.onClose();
                  }}
                >
                  Yes, close chat
                </button>{' '}
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setConfirming(true)}>
                Close chat
              </button>
            )}
          </div>
        )}
      </header>

      {!chat.ended && owner && !mine && (
        <p class="note">
          <Name>{owner.name}</Name> holds this chat: write below to join in, or take it over.
        </p>
      )}

      {v && (
        <dl class="facts">
          <dt>Page</dt>
          <dd>
            <bdi>{v.page.title || 'Untitled page'}</bdi>{' '}
            <span class="sub">{pagePath(v.page.url)}</span>
          </dd>
          <dt>Pages</dt>
          <dd>
            {v.pages.length > 1 ? (
              <details>
                <summary>{v.pages.length} viewed</summary>
                <ol class="pages">
                  {v.pages.slice(-PAGES_SHOWN).map((pg) => (
                    <li key={`${pg.at}-${pg.url}`}>
                      <time dateTime={new Date(pg.at).toISOString()}>{clockTime(pg.at)}</time>{' '}
                      <bdi>{pg.title || 'Untitled page'}</bdi>{' '}
                      <span class="sub">{pagePath(pg.url)}</span>
                    </li>
                  ))}
                </ol>
              </details>
            ) : (
              v.pages.length
            )}
          </dd>
          <dt>On site</dt>
          <dd>{duration(now - v.startedAt)}</dd>
          <dt>Browser</dt>
          <dd>
            {v.browser} · {v.os} · {v.device}
          </dd>
          <dt>From</dt>
          <dd>
            {[v.country, v.city].filter(Boolean).join(', ') || 'unknown'} · via{' '}
            <bdi>{referrerLabel(v.referrer)}</bdi>
          </dd>
          {v.email && (
            <>
              <dt>E-mail</dt>
              <dd>{v.email}</dd>
            </>
          )}
          {v.verified && v.userId !== undefined && (
            <>
              <dt>User id</dt>
              <dd>
                <bdi>{v.userId}</bdi> <span class="sub">(verified by the site)</span>
              </dd>
            </>
          )}
        </dl>
      )}

      <div class="messages" role="log" aria-live="polite" aria-label="Messages" ref={log}>
        <ol>
          {chat.truncated && <li class="system">Earlier messages are not shown.</li>}
          {count === 0 && <li class="system">No messages yet.</li>}
          {chat.messages.map((m) => (
            <li
              key={`${m.from}-${m.id}`}
              class={`msg ${m.from}${m.mine ? ' mine' : ''}${m.status === 'failed' ? ' failed' : ''}`}
            >
              <div class="meta">
                <Name>{m.from === 'visitor' ? name : (m.name ?? 'Operator')}</Name>{' '}
                <time dateTime={new Date(m.at).toISOString()}>{clockTime(m.at)}</time>
              </div>
              <MessageText text={m.text} />
              {m.mine && <span class={`status ${m.status}`}>{STATUS[m.status]}</span>}
            </li>
          ))}
        </ol>
      </div>

      <p class="typing" aria-live="polite">
        {chat.visitorTyping && (
          <span>
            <Name>{name}</Name> is typing…
          </span>
        )}
        {chat.operatorsTyping.map((n) => (
          <span key={n}>
            {' '}
            <Name>{n}</Name> is typing…
          </span>
        ))}
      </p>

      {chat.ended ? (
        <p class="ended" role="status">
          {ENDED[chat.ended]} Close the tab when you are done reading.
        </p>
      ) : (
        <Composer
          key={chat.session}
          canned={props.canned}
          draft={props.draft}
          onDraft={props.onDraft}
          onSend={props.onSend}
          onTyping={props.onTyping}
        />
      )}
    </section>
  );
}
