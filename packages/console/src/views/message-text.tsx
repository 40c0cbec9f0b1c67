import type { ComponentChildren } from 'preact';

// Candidate URLs; each is then checked with the URL parser and kept only for http(s).
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?)\]}]+$/;

/** The `href` for a candidate, or null unless it parses as an `http:`/`https:` URL. */
export function safeHref(candidate: string): string | null {
  try {
    const u = new URL(candidate);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Message text rendered as text nodes, with only `http(s)` URLs turned into links that open
 * in a new tab without referrer or opener (CHECKLIST B4). No markup of the sender survives.
 */
export function MessageText({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_CANDIDATE)) {
    const url = m[0].replace(TRAILING, '');
    const href = safeHref(url);
    if (!href || m.index === undefined) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(
      <a href={href} target="_blank" rel="noopener noreferrer">
        {url}
      </a>,
    );
    last = m.index + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <span class="text">{parts}</span>;
}
