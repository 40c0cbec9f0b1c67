import { describe, expect, it } from 'vitest';
import { WIDGET_ERROR_CODES, WidgetError } from './errors.js';
import { EN, LOCALES, strings } from './i18n.js';
import { cleanIdentity } from './identity.js';
import { linkify } from './linkify.js';
import { DEFAULT_COLOR, themeCss } from './styles.js';
import { validateContact } from './validate.js';

describe('linkify', () => {
  it('B4: links only http(s) URLs and leaves javascript:, data: and markdown links as text', () => {
    const parts = linkify(
      'a javascript:alert(1) data:text/html,x [y](javascript:z) http://x.example/p, end',
    );
    expect(parts.filter((p) => p.href)).toEqual([
      { text: 'http://x.example/p', href: 'http://x.example/p' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(
      'a javascript:alert(1) data:text/html,x [y](javascript:z) http://x.example/p, end',
    );
  });

  it('keeps trailing sentence punctuation outside the link', () => {
    expect(linkify('see https://a.example/x).')).toEqual([
      { text: 'see ' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: ').' },
    ]);
  });
});

describe('validateContact', () => {
  it('B7: rejects address-parser tricks in the e-mail', () => {
    for (const email of [
      '"x@evil y"@site.example',
      'a@b(c)@evil.example',
      'g: a@evil.example;',
      'a@b.example, c@d.example',
    ]) {
      expect(validateContact({ name: 'A', email }, []).errors.email).toBe('badEmail');
    }
    expect(validateContact({ name: 'A', email: ' a@b.example ' }, []).errors).toEqual({});
  });

  it('B6: strips line breaks from the name and flags required and too-long fields', () => {
    expect(validateContact({ name: 'Ada\r\nBcc: x', email: '' }, []).value.name).toBe('AdaBcc: x');
    expect(
      validateContact({ name: '', email: '', text: ' ' }, ['name', 'email', 'text']).errors,
    ).toEqual({
      name: 'required',
      email: 'required',
      text: 'required',
    });
    expect(
      validateContact({ name: 'x'.repeat(81), email: '', text: 'y'.repeat(4001) }, []).errors,
    ).toEqual({
      name: 'tooLong',
      text: 'tooLong',
    });
  });
});

describe('cleanIdentity', () => {
  it('B5: keeps only values the relay accepts, so one bad field cannot sink the hello', () => {
    const custom: Record<string, unknown> = {
      plan: 'pro',
      'bad key': 1,
      n: Number.NaN,
      ok: true,
      big: 'x'.repeat(900),
    };
    for (let i = 0; i < 30; i++) custom[`k${i}`] = i;
    const out = cleanIdentity({
      name: ' <b>Ada</b>\u202e ',
      email: 'not-an-email',
      custom: custom as never,
    });
    expect(out.name).toBe('<b>Ada</b>');
    expect(out).not.toHaveProperty('email');
    expect(Object.keys(out.custom ?? {})).toHaveLength(20);
    expect(out.custom).toMatchObject({ plan: 'pro', ok: true });
    expect(out.custom).not.toHaveProperty('bad key');
    expect(out.custom).not.toHaveProperty('n');
    expect(String(out.custom?.big)).toHaveLength(500);
  });
});

describe('strings', () => {
  it('picks the language from the tag, falls back to English, and applies overrides', () => {
    expect(strings('fr-CA').open).toBe('Ouvrir le chat');
    expect(strings('pt-BR').send).toBe('Enviar');
    expect(strings('es').end).toBe('Terminar chat');
    expect(strings('xx').open).toBe('Open chat');
    expect(strings(undefined, { open: 'Talk to us' }).open).toBe('Talk to us');
  });

  it('ships en, de, fr, es, pt with only known keys, each translating most strings', () => {
    expect(Object.keys(LOCALES)).toEqual(['en', 'de', 'fr', 'es', 'pt']);
    const keys = Object.keys(EN);
    for (const [tag, table] of Object.entries(LOCALES)) {
      for (const key of Object.keys(table)) expect(keys, `${tag}.${key}`).toContain(key);
      expect(Object.keys(table).length, tag).toBeGreaterThan(keys.length - 3);
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
      'empty',
      'closed',
      'refused',
      'destroyed',
    ]);
    const error = new WidgetError('closed', 'x', { cause: 1 });
    expect(error).toMatchObject({ code: 'closed', cause: 1, name: 'WidgetError' });
  });
});
