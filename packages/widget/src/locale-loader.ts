import type { Strings } from './i18n.js';
import { LOCALE_EVENT } from './locales/locale-script.js';
import { insertScript } from './script-loader.js';

/** Longest string a loaded language table may carry, characters (a longer one: table refused). */
export const LOCALE_STRING_CHARS = 200;

/**
 * A language table handed over in a `conduit:locale` event, or null unless its shape is
 * exactly right: `{ code, strings }` with the expected code, names for keys, string values.
 * Which keys the widget knows is the app's business (`chatCore` keeps only those): the
 * facade that loads the table does not carry the English table to compare with.
 */
export function cleanTable(detail: unknown, code: string): Partial<Strings> | null {
  try {
    const { code: got, strings } = detail as { code: unknown; strings: unknown };
    if (got !== code || !strings || typeof strings !== 'object') return null;
    const table = { ...strings } as Record<string, unknown>;
    for (const key in table) {
      const value = table[key];
      if (!/^[a-z]\w{0,31}$/i.test(key) || typeof value !== 'string') return null;
      if (value.length > LOCALE_STRING_CHARS) return null;
    }
    return table as Partial<Strings>;
  } catch {
    // A detail that throws when read (a getter, a revoked proxy) is no table.
    return null;
  }
}

/**
 * Loads the language `code` for the script-tag widget: listens for its `conduit:locale` event
 * and inserts one `<script src async>` (`insertScript`: the widget script's `nonce`, for a
 * strict CSP) that removes itself once loaded or failed. A table that passes `cleanTable` goes to
 * `apply`; when none arrives (404, CSP, offline) nothing happens and English stays.
 * Returns a function that stops listening (called by `destroy()`).
 */
export function loadLocale(
  doc: Document,
  src: string,
  code: string,
  nonce: string,
  apply: (table: Partial<Strings>) => void,
): () => void {
  const onLocale = (event: Event) => {
    const table = cleanTable((event as CustomEvent).detail, code);
    if (table) apply(table);
  };
  doc.addEventListener(LOCALE_EVENT, onLocale);
  const stop = insertScript(doc, src, nonce);
  return () => {
    doc.removeEventListener(LOCALE_EVENT, onLocale);
    stop();
  };
}
