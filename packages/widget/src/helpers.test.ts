import { describe, expect, it } from 'vitest';
import { WIDGET_ERROR_CODES, WidgetError } from './errors.js';
import { EN, LOCALES, localeCode, textsFor } from './i18n.js';
import { cleanIdentity } from './identity.js';
import { TABLES } from './locales/tables.js';
import { DEFAULT_COLOR, themeCss } from './styles.js';
import { validateContact } from './validate.js';

describe('validateContact', () => {
  it('B7: rejects address-parser tricks in the e-mail', () => {
    for (const email of [
      '"x@evil y"@site.example',
      'a@b(c)@evil.example',
      'g: a@evil.example;',
      'a@b.example, c@d.example',
      `${'('.repeat(200)}a@b.example`,
    ]) {
      expect(validateContact({ name: 'A', email }, []).errors.email).toBe('badEmail');
    }
    expect(validateContact({ name: 'A', email: ' a@b.example ' }, []).errors).toEqual({});
  });

  it('B24: flags empty required fields and text over the limits, and trims', () => {
    const empty = validateContact({ name: ' ', email: '', text: ' \n ' }, [
      'name',
      'email',
      'text',
    ]);
    expect(empty.errors).toEqual({ name: 'required', email: 'required', text: 'required' });
    const long = validateContact({ name: 'x'.repeat(81), email: '', text: 'y'.repeat(4001) }, []);
    expect(long.errors).toEqual({ name: 'tooLong', text: 'tooLong' });
    expect(validateContact({ name: ' Ada ', email: '' }, []).value).toEqual({
      name: 'Ada',
      email: '',
    });
  });
});

describe('cleanIdentity', () => {
  it('B7: keeps a strictly valid e-mail only, and cuts the name to the relay limit', () => {
    const out = cleanIdentity({ name: ` ${'n'.repeat(100)} `, email: 'x@evil y' });
    expect(out).toEqual({ name: 'n'.repeat(80) });
    expect(cleanIdentity({ email: ' a@b.example ', custom: { plan: 'pro' } })).toEqual({
      email: 'a@b.example',
      custom: { plan: 'pro' },
    });
  });
});

describe('15: signed identity', () => {
  it("15: sends the id (as the protocol's userId) and the hash, and never drops the hash", () => {
    const hash = 'ab'.repeat(32);
    expect(cleanIdentity({ id: 'user-42', name: 'Vera', hash })).toEqual({
      name: 'Vera',
      userId: 'user-42',
      hash,
    });
    expect(cleanIdentity({ name: 'Vera' })).toEqual({ name: 'Vera' });
  });
});

describe('strings', () => {
  it('picks the language from the tag, falls back to English, and applies overrides', () => {
    const shown = (tag: string | undefined, o = {}) => {
      const code = localeCode(tag);
      return textsFor(code, TABLES[code], o);
    };
    expect(shown('fr-CA').open).toBe('Ouvrir le chat');
    expect(shown('pt-BR').send).toBe('Enviar');
    expect(shown('es').end).toBe('Terminar chat');
    expect(shown('de', { strings: { send: 'Los' } })).toMatchObject({
      open: 'Chat öffnen',
      send: 'Los',
    });
    expect(shown('xx').open).toBe('Open chat');
    // Without the table (the script tag before its language file has arrived).
    expect(textsFor('en', undefined, {}).open).toBe('Open chat');
    expect(shown(undefined, { strings: { open: 'Talk to us' } }).open).toBe('Talk to us');
    expect([localeCode('DE-at'), localeCode('pt'), localeCode('xx'), localeCode('')]).toEqual([
      'de',
      'pt',
      'en',
      'en',
    ]);
  });

  it('ships en and 13 more languages, each translating every key (no English left over)', () => {
    expect(LOCALES).toEqual([
      'en',
      'de',
      'fr',
      'es',
      'pt',
      'ar',
      'he',
      'ja',
      'zh',
      'ru',
      'it',
      'nl',
      'pl',
      'tr',
    ]);
    const keys = Object.keys(EN) as (keyof typeof EN)[];
    expect(Object.keys(TABLES)).toEqual(LOCALES.slice(1));
    for (const tag of LOCALES.slice(1)) {
      const t = TABLES[tag] as typeof EN;
      expect(Object.keys(t)).toEqual(keys);
      const same = keys.filter(
        (k) => t[k] === EN[k] && !/^(chat|online|name|email|optional|message|start)$/.test(k),
      );
      expect(same, tag).toEqual([]);
      for (const k of keys) expect(t[k], `${tag}.${k}`).not.toBe('');
    }
  });
});

describe('themeCss', () => {
  it('picks white text on dark colours and dark text on light ones (contrast ≥ 4.5:1)', () => {
    expect(themeCss('#2563eb')).toContain('--conduit-text:#fff');
    expect(themeCss('#facc15')).toContain('--conduit-text:#111');
    expect(themeCss('red;}*{display:none')).toContain(`--conduit-color:${DEFAULT_COLOR}`);
    expect(themeCss(undefined, 500.4)).toContain('--conduit-vh:500px');
  });
});

describe('WidgetError', () => {
  it('has a stable list of codes', () => {
    expect(WIDGET_ERROR_CODES).toEqual([
      'bad_option',
      'bad_state',
      'outbox_full',
      'too_long',
      'closed',
      'refused',
      'load_failed',
      'ssr',
    ]);
    const error = new WidgetError('closed', 'x', { cause: 1 });
    expect(error).toMatchObject({
      code: 'closed',
      cause: 1,
      name: 'WidgetError',
      message: 'closed: x',
    });
  });
});
