// C0/C1 controls (CR, LF, NEL U+0085 among them), DEL, line/paragraph separators (U+2028/9),
// bidi embeddings, overrides and isolates, marks, zero-width characters and the interlinear
// annotation controls: anything that can end a header line, forge a line, or make a name read
// as something it is not (CHECKLIST B6, B19).
const LINE_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

// The same for multi-line text; LF and tab survive (CRLF and CR become LF first).
const TEXT_UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

// Combining marks after the third in a row ("Zalgo" text) are dropped.
const COMBINING_RUN = /(\p{M}{3})\p{M}+/gu;

/** Cuts `value` to at most `max` UTF-16 code units without splitting a surrogate pair. */
export function clamp(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * Makes a single-line value safe for a header or a one-line field: drops controls, every line
 * break, bidi and zero-width characters, collapses whitespace, trims, clamps to `max`.
 * @example cleanLine('Ada\r\nBcc: x@evil', 80) // 'AdaBcc: x@evil'
 */
export function cleanLine(value: string, max: number): string {
  const cleaned = value
    .replace(LINE_UNSAFE, '')
    .replace(COMBINING_RUN, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return clamp(cleaned, max);
}

/**
 * Makes multi-line text safe to render: CRLF/CR become LF, other controls and bidi overrides go,
 * combining runs are clamped, the ends are trimmed, the result is clamped to `max`.
 */
export function cleanText(value: string, max: number): string {
  const cleaned = value
    .replace(/\r\n?/g, '\n')
    .replace(TEXT_UNSAFE, '')
    .replace(COMBINING_RUN, '$1')
    .trim();
  return clamp(cleaned, max);
}
