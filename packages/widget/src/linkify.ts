/** A piece of message text: plain text, or an http(s) link. */
export type TextPart = { text: string; href?: string };

// A run of non-space characters starting with http:// or https://, not ending in the
// punctuation that usually ends a sentence. Captured, so `split` keeps it (odd indexes).
const URL_RUN = /(\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]}'"»”’])/i;

/**
 * Splits text into plain parts and `http(s)` links (CHECKLIST B4: `javascript:`, `data:` and
 * everything else stays text). Each link is re-checked with the URL parser.
 */
export function linkify(text: string): TextPart[] {
  return text.split(URL_RUN).flatMap((part, i) => {
    let href = '';
    try {
      if (i % 2) href = new URL(part).href;
    } catch {}
    return part ? [href ? { text: part, href } : { text: part }] : [];
  });
}
