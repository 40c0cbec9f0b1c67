import { linkify } from '@conduit-chat/protocol';
import type { ChatMessage } from '../chat-store.js';
import type { StringKey, Strings } from '../i18n.js';
import type { ViewProps } from './types.js';

function Item({ m, t, locale }: { m: ChatMessage; t: Strings; locale: string | undefined }) {
  if (m.from === 'system') return <div class="i s">{t[m.text as StringKey] ?? m.text}</div>;
  const visitor = m.from === 'visitor';
  const at = new Date(m.at);
  return (
    <div class={visitor ? 'i v' : 'i'}>
      {visitor ? (
        <span class="sr">{t.you}: </span>
      ) : (
        <span class="n">
          <bdi>{m.name || t.chat}</bdi>
        </span>
      )}
      {/* Text nodes only; http(s) URLs become links (SECURITY.md B4). */}
      {linkify(m.text).map(({ text, href }) =>
        href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {text}
          </a>
        ) : (
          text
        ),
      )}
      <span class="t">
        <time dateTime={at.toISOString()}>
          {at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })}
        </time>
        {visitor && ` · ${t[m.status]}`}
      </span>
    </div>
  );
}

/** The conversation: a live log, so screen readers announce new messages. */
export function MessageList(props: ViewProps) {
  const { t, state } = props;
  return (
    <div
      class="m"
      role="log"
      aria-live="polite"
      aria-label={t.chat}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable)
      tabIndex={0}
    >
      {state.truncated && <div class="i s">{t.truncated}</div>}
      {props.greeting && <div class="i">{props.greeting}</div>}
      {state.messages.map((m) => (
        <Item key={m.id} m={m} t={t} locale={props.locale} />
      ))}
    </div>
  );
}
