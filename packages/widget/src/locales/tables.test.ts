import { describe, expect, it } from 'vitest';
import { EN, isRtl, LOCALES, localeCode, type StringKey, textsFor } from '../i18n.js';
import { cleanTable, LOCALE_STRING_CHARS } from '../locale-loader.js';
import { LAZY_TABLES } from './lazy-tables.js';
import { TABLES } from './tables.js';

// Issue #15 "Languages and direction": nine more languages, each in its own script.
const SCRIPTS: Record<string, RegExp> = {
  ar: /\p{Script=Arabic}/u,
  he: /\p{Script=Hebrew}/u,
  ja: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  zh: /\p{Script=Han}/u,
  ru: /\p{Script=Cyrillic}/u,
  it: /^[\p{Script=Latin}\p{P}\p{Zs}{}]+$/u,
  nl: /^[\p{Script=Latin}\p{P}\p{Zs}{}]+$/u,
  pl: /^[\p{Script=Latin}\p{P}\p{Zs}{}]+$/u,
  tr: /^[\p{Script=Latin}\p{P}\p{Zs}{}]+$/u,
};
const keys = Object.keys(EN) as StringKey[];
const placeholders = (text: string) => text.match(/\{\w+\}/g) ?? [];

describe('language tables', () => {
  describe.each(Object.keys(SCRIPTS))('%s', (code) => {
    const table = TABLES[code] ?? ({} as Record<StringKey, string>);

    it(`15: ${code} has every key, no empty or padded string, within the loader's limit`, () => {
      expect(Object.keys(table)).toEqual(keys);
      for (const key of keys) {
        const text = table[key];
        expect(text, key).toMatch(/\S/);
        expect(text, key).toBe(text.trim());
        expect(text.length, key).toBeLessThanOrEqual(LOCALE_STRING_CHARS);
      }
      // What the script tag's loader accepts from the language file.
      expect(cleanTable({ code, strings: table }, code)).toEqual(table);
    });

    it(`15: ${code} keeps every placeholder of the English string, once, and no other`, () => {
      for (const key of keys) expect(placeholders(table[key]), key).toEqual(placeholders(EN[key]));
    });

    it(`15: ${code} is written in its own script (no English left in it)`, () => {
      const script = SCRIPTS[code] as RegExp;
      for (const key of ['open', 'send', 'offline', 'thanks', 'end'] as const) {
        expect(table[key], key).toMatch(script);
      }
    });

    it(`15: ${code} loads on demand for npm users as the same table`, async () => {
      expect(await LAZY_TABLES[code]?.()).toEqual(table);
    });
  });

  it('15: has one on-demand import per shipped language other than English', () => {
    expect(Object.keys(LAZY_TABLES).sort()).toEqual(LOCALES.slice(1).sort());
  });

  it('15: maps regional tags to the new languages and knows which are right to left', () => {
    expect(
      ['ar-EG', 'he-IL', 'ja-JP', 'zh-TW', 'ru', 'it-CH', 'nl-BE', 'pl', 'tr-TR'].map(localeCode),
    ).toEqual(['ar', 'he', 'ja', 'zh', 'ru', 'it', 'nl', 'pl', 'tr']);
    expect(LOCALES.filter(isRtl)).toEqual(['ar', 'he']);
  });

  it('15: applies overrides from the general to the specific: strings, texts["*"], texts[lang]', () => {
    const o = {
      strings: { send: 'A', end: 'A', open: 'A' },
      texts: { '*': { end: 'B', open: 'B', greeting: 'Hi' }, ja: { open: 'C', greeting: 'やあ' } },
    };
    expect(textsFor('ja', TABLES.ja, o)).toMatchObject({
      send: 'A',
      end: 'B',
      open: 'C',
      greeting: 'やあ',
      cancel: TABLES.ja?.cancel,
    });
    // Another language shown (the table not loaded yet): that language's own texts do not apply.
    expect(textsFor('en', undefined, o)).toMatchObject({
      open: 'B',
      greeting: 'Hi',
      cancel: 'Cancel',
    });
  });
});
