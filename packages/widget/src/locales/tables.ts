import type { Strings } from '../i18n.js';
import { DE } from './de.js';
import { ES } from './es.js';
import { FR } from './fr.js';
import { PT } from './pt.js';

/**
 * The string tables of the languages other than English, by code. The npm build bundles them
 * (through `createChat`); the script-tag build ships each as `dist/locales/<code>.js`, loaded
 * only for a visitor who needs it (README "Locales").
 */
export const TABLES: Record<string, Strings> = { de: DE, fr: FR, es: ES, pt: PT };
