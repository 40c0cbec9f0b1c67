import type { ErrorCode, VisitorSnapshot } from '@conduit-chat/protocol';

/** The name to show for a visitor: their own, or "Visitor" and the end of the session id. */
export function visitorName(v: VisitorSnapshot | null | undefined, session: string): string {
  return v?.name?.trim() || `Visitor ${session.slice(-4)}`;
}

/** A duration as `m:ss` or `h:mm:ss` (never negative: clocks of relay and browser differ). */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The path of a page URL (what the operator recognises); the raw value when it is no URL. */
export function pagePath(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** A referrer shown as host and path; "direct" when there is none. */
export function referrerLabel(referrer: string): string {
  if (!referrer) return 'direct';
  try {
    const u = new URL(referrer);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return referrer;
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return referrer;
  }
}

/** A wall-clock time `HH:MM` in the operator's locale. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The state column's words (who it is chatting with comes separately, as a name). */
export function stateLabel(state: VisitorSnapshot['state']): string {
  switch (state) {
    case 'browsing':
      return 'Browsing';
    case 'waiting':
      return 'Waiting';
    case 'chatting':
      return 'Chatting with';
    case 'detached':
      return 'Left';
  }
}

// What the relay's refusals mean to an operator; other codes show the relay's own message.
const ERROR_TEXT: Partial<Record<ErrorCode, string>> = {
  forbidden:
    'Not possible: another operator may hold this chat, or the site does not allow invitations.',
  unknown_session: 'That visitor has left.',
  session_ended: 'That chat has ended.',
  rate_limited: 'Too much at once: wait a moment and try again.',
  limit_reached: 'The relay is at a limit; try again later.',
};

/** The words for an error the relay answered with. */
export function errorText(code: ErrorCode | 'local', message: string): string {
  return code === 'local' ? message : (ERROR_TEXT[code] ?? message);
}
