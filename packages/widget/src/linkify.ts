/** A piece of message text: plain text, or an http(s) link. */
export type TextPart = { text: string; href?: string };

// A run of non-space characters starting with http:// or https://. Trailing punctuation
// that usually ends a sentence is left outside the link.
const URL_RUN = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

/**
 * Splits text into plain parts and `http(s)` links (CHECKLIST B4: `javascript:`, `data:` and
 * everything else stays text). Each link is re-checked with the URL parser.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RUN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    let href: string | null = null;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
