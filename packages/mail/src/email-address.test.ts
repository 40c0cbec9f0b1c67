import { describe, expect, it } from 'vitest';
import { isStrictEmail, parseSender } from './email-address.js';

describe('isStrictEmail', () => {
  it('accepts ordinary addresses', () => {
    for (const ok of ['ada@example.com', 'a.b+tag@mail.example.co.uk', "o'neil@x-y.example"]) {
      expect(isStrictEmail(ok)).toBe(true);
    }
  });

  it('B7: rejects address-parser tricks', () => {
    const tricks = [
      '"x@evil y"@site.example',
      'a@b(c)@evil.example',
      'g: a@evil.example;',
      'a@site.example, b@evil.example',
      'a@site.example;b@evil.example',
      'Ada <a@evil.example>',
      'a@site.example\r\nBcc: b@evil.example',
      'a@site.example\u2028',
      `${'('.repeat(10_000)}a@site.example`,
      'a@[127.0.0.1]',
      'a@localhost',
      '.a@site.example',
      'a..b@site.example',
      'a@-site.example',
      'ädä@site.example',
      '',
      `${'a'.repeat(65)}@site.example`,
      `a@${'b'.repeat(250)}.example`,
    ];
    for (const trick of tricks) expect(isStrictEmail(trick), trick.slice(0, 40)).toBe(false);
    expect(isStrictEmail(42)).toBe(false);
  });
});

describe('parseSender', () => {
  it('parses a bare or named sender', () => {
    expect(parseSender('chat@acme.example')).toEqual({ name: '', address: 'chat@acme.example' });
    expect(parseSender('Conduit <chat@acme.example>')).toEqual({
      name: 'Conduit',
      address: 'chat@acme.example',
    });
    expect(parseSender('"Acme Chat" <chat@acme.example>')).toEqual({
      name: 'Acme Chat',
      address: 'chat@acme.example',
    });
  });

  it('accepts a single-label host for the configured sender only', () => {
    expect(parseSender('Conduit <conduit@localhost>')).toEqual({
      name: 'Conduit',
      address: 'conduit@localhost',
    });
    expect(isStrictEmail('conduit@localhost')).toBe(false);
  });

  it('rejects lists, groups and broken senders', () => {
    for (const bad of [
      'a@acme.example, b@acme.example',
      'g: a@acme.example;',
      'Chat <a@acme.example> <b@evil.example>',
      'Chat\r\nBcc: x <a@acme.example>',
      'Chat <not-an-address>',
      '',
    ]) {
      expect(parseSender(bad), bad).toBeUndefined();
    }
  });
});
