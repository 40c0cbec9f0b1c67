import type { Strings } from '../i18n.js';
import { AR } from './ar.js';
import { DE } from './de.js';
import { ES } from './es.js';
import { FR } from './fr.js';
import { HE } from './he.js';
import { IT } from './it.js';
import { JA } from './ja.js';
import { NL } from './nl.js';
import { PL } from './pl.js';
import { PT } from './pt.js';
import { RU } from './ru.js';
import { TR } from './tr.js';
import { ZH } from './zh.js';

/**
 * The string tables of the languages other than English, by code: what the build turns into
 * the script tag's `dist/locales/<code>.js` files (each loaded only for a visitor who needs
 * it, README "Locales"). The npm build loads them on demand too (`lazy-tables.ts`).
 */
export const TABLES: Record<string, Strings> = {
  de: DE,
  fr: FR,
  es: ES,
  pt: PT,
  ar: AR,
  he: HE,
  ja: JA,
  zh: ZH,
  ru: RU,
  it: IT,
  nl: NL,
  pl: PL,
  tr: TR,
};
