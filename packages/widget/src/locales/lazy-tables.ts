import type { Strings } from '../i18n.js';

/**
 * The npm build's language files: one dynamic `import()` per language other than English, so
 * a bundler makes each table its own chunk, fetched only for a visitor who needs it (the
 * script tag's `dist/locales/<code>.js` do the same). Keyed like `TABLES`.
 */
export const LAZY_TABLES: Record<string, () => Promise<Strings>> = {
  de: () => import('./de.js').then((m) => m.DE),
  fr: () => import('./fr.js').then((m) => m.FR),
  es: () => import('./es.js').then((m) => m.ES),
  pt: () => import('./pt.js').then((m) => m.PT),
  ar: () => import('./ar.js').then((m) => m.AR),
  he: () => import('./he.js').then((m) => m.HE),
  ja: () => import('./ja.js').then((m) => m.JA),
  zh: () => import('./zh.js').then((m) => m.ZH),
  ru: () => import('./ru.js').then((m) => m.RU),
  it: () => import('./it.js').then((m) => m.IT),
  nl: () => import('./nl.js').then((m) => m.NL),
  pl: () => import('./pl.js').then((m) => m.PL),
  tr: () => import('./tr.js').then((m) => m.TR),
};
