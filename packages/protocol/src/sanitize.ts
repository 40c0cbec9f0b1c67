import { LIMITS } from './limits.js';

// C0/C1 controls, DEL, line/paragraph separators (U+2028/9, NEL U+0085), bidi embeddings,
// overrides and isolates (U+202A–202E, U+2066–2069), marks (U+200E/F, U+061C), zero-width
// characters (U+200B–200D, U+2060, U+FEFF) and the interlinear annotation controls.
// Any of these can break a header, forge a line, or make a name read as something it is not.
const LINE_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

// The same for multi-line text, but newline and tab survive (CR/LF pairs become LF first).
const TEXT_UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

// A run of combining marks after the first `LIMITS.combiningMarks` ("Zalgo" text, B19).
const COMBINING_RUN = new RegExp(`(\\p{M}{${LIMITS.combiningMarks}})\\p{M}+`, 'gu');

/**
 * Makes a single-line value safe to show and to put in a header: removes controls, line
 * breaks, bidi overrides and zero-width characters, collapses whitespace, clamps combining
 * marks, trims, and cuts to `max` code units (never inside a surrogate pair).
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
 * Makes multi-line message text safe to show: CRLF/CR become LF, other controls and bidi
 * overrides go, combining marks are clamped. Keeps newlines and tabs. Does not trim
 * inner whitespace; trims the ends.
 */
export function cleanText(value: string): string {
  // Most chat text is printable ASCII, tabs and newlines: none of the three passes below can
  // change it (no CR, nothing unsafe, no marks), so one test replaces them.
  if (!NOT_PLAIN.test(value)) return value.trim();
  return value.replace(/\r\n?/g, '\n').replace(TEXT_UNSAFE, '').replace(COMBINING_RUN, '$1').trim();
}

const NOT_PLAIN = /[^\t\n\x20-\x7e]/;

/** Cuts `value` to at most `max` UTF-16 code units without splitting a surrogate pair. */
export function clamp(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

// Dot-atom local part and a dotted hostname only: no quoted strings, comments, groups,
// lists, IP literals or whitespace — everything an address parser could be tricked by (B7).
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Strict e-mail check (SECURITY.md B7): accepts `local@host.tld` with a dot-atom local part
 * (≤ 64) and a dotted hostname, total ≤ `LIMITS.emailChars`. Rejects what RFC 5322 would
 * allow but a header could be abused with.
 */
export function isEmail(value: string): boolean {
  if (value.length > LIMITS.emailChars) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  return EMAIL.test(value);
}

/**
 * Reduces a URL to what the relay keeps of a page: `origin + path` (query and fragment
 * dropped unless `keepQuery`), only for `http:`/`https:`; anything else becomes ''.
 */
export function pageUrl(value: string, keepQuery = false): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
  // `href` after clearing is one flat string (origin + path + query would be a cons string of
  // parts, ~3× the heap per kept URL); credentials and fragment never survive, and an empty
  // `?` goes as it does from `search`.
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = keepQuery ? url.search : '';
  return clamp(url.href, LIMITS.urlChars);
}
