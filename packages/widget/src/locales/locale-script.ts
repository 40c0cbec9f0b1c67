import type { Strings } from '../i18n.js';

/** The event a locale script dispatches on `document` (`detail: { code, strings }`). */
export const LOCALE_EVENT = 'conduit:locale';

// Non-ASCII as \u escapes: the file reads the same whatever charset a CDN or proxy declares.
const ascii = (json: string) =>
  json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The text of `dist/locales/<code>.js`: a classic script that hands its table to the widget
 * in one event and nothing else (no global, no other code). Used by the build (vite.config.ts).
 */
export function localeScript(code: string, strings: Strings): string {
  const detail = ascii(JSON.stringify({ code, strings }));
  return `document.dispatchEvent(new CustomEvent(${JSON.stringify(LOCALE_EVENT)},{detail:${detail}}));\n`;
}
