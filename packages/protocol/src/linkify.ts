/** A piece of message text: plain text, or an http(s) link. */
export type TextPart = { text: string; href?: string };

// A run of non-space characters starting with http:// or https://, not ending in the
// punctuation that usually ends a sentence. Captured, so `split` keeps it (odd indexes).
const URL_RUN = /(\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]}'"»”’])/i;

/**
 * Splits message text into plain parts and `http(s)` links, the one rule the widget and the
 * console share (SECURITY.md B4: `javascript:`, `data:` and everything else stays text). Each
 * link is re-checked with the URL parser. A quote inside a URL stays part of it
 * (`https://example.com/it's-here`); one at its end does not.
 * @example linkify('see https://a.example/x.') // [{text:'see '},{text:'https://a.example/x',href:'https://a.example/x'},{text:'.'}]
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
