import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { clamp, cleanLine, cleanText, isEmail, pageUrl } from './sanitize.js';

describe('cleanLine', () => {
  it('B6: removes CR, LF, NEL, U+2028 and U+2029', () => {
    expect(cleanLine('a\r\nb\u0085c\u2028d\u2029e', 80)).toBe('abcde');
  });

  it('B19: removes bidi overrides and zero-width characters', () => {
    expect(cleanLine('\u202eAda\u200b\u200d\u2066x\u2069\ufeff', 80)).toBe('Adax');
  });

  it('B19: clamps runs of combining marks', () => {
    const zalgo = `Z${'\u0301'.repeat(10_000)}`;
    expect(cleanLine(zalgo, 80)).toBe(`Z${'\u0301'.repeat(3)}`);
  });

  it('B6: keeps percent-encoded line breaks as literal text (they never reach a header decoded)', () => {
    expect(cleanLine('Ada%0d%0aBcc: x', 80)).toBe('Ada%0d%0aBcc: x');
  });

  it('collapses whitespace, trims and cuts to the limit', () => {
    expect(cleanLine('  a \t  b  ', 80)).toBe('a b');
    expect(cleanLine('x'.repeat(100), 80)).toHaveLength(80);
  });
});

describe('cleanText', () => {
  it('keeps newlines and tabs, normalises CRLF, drops other controls', () => {
    expect(cleanText(' a\r\nb\rc\td\u0000\u202e ')).toBe('a\nb\nc\td');
  });

  it('gives what the full passes give for every ASCII character and the unsafe ones (plain-text fast path)', () => {
    // The three passes the fast path skips, spelled out: CR/LF, unsafe characters, mark runs.
    const unsafe =
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
    const full = (v: string) =>
      v
        .replace(/\r\n?/g, '\n')
        .replace(unsafe, '')
        .replace(/(\p{M}{3})\p{M}+/gu, '$1')
        .trim();
    const chars = [
      ...Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)),
      '\u061c',
      '\u200b',
      '\u2028',
      '\u2029',
      '\u202a',
      '\u202e',
      '\u2060',
      '\u2066',
      '\ufeff',
      '\ufff9',
      'é',
      '😀',
      'a\u0301\u0301\u0301\u0301\u0301',
    ];
    for (const c of chars) {
      for (const v of [`a${c}b`, `${c}x`, `x${c}`, `${c}\r\n${c}`]) {
        expect(cleanText(v), JSON.stringify(v)).toBe(full(v));
      }
    }
  });
});

describe('clamp', () => {
  it('never splits a surrogate pair', () => {
    expect(clamp('ab😀', 3)).toBe('ab');
    expect(clamp('ab😀', 4)).toBe('ab😀');
  });
});

describe('isEmail (SECURITY.md B7)', () => {
  it('accepts plain addresses', () => {
    for (const ok of ['a@b.co', 'first.last+tag@mail.example.com', "o'brien@x.example"]) {
      expect(isEmail(ok), ok).toBe(true);
    }
  });

  it('B7: rejects address-parser tricks', () => {
    for (const bad of [
      '"x@evil y"@site.example',
      'a@b(c)@evil.example',
      'g: a@evil.example;',
      'a@x.example, b@evil.example',
      'a@x.example\r\nBcc: b@evil.example',
      `${'('.repeat(10_000)}a@x.example`,
      'a@[127.0.0.1]',
      'a@localhost',
      '<a@x.example>',
      'a..b@x.example',
      '.a@x.example',
      'a@-x.example',
      `${'a'.repeat(65)}@x.example`,
      `a@${'b'.repeat(250)}.example`,
      '',
    ]) {
      expect(isEmail(bad), bad.slice(0, 40)).toBe(false);
    }
  });
});

describe('pageUrl', () => {
  it('keeps origin and path, drops query and fragment', () => {
    expect(pageUrl('https://shop.example/p/1?email=a@b.c#top')).toBe('https://shop.example/p/1');
    expect(pageUrl('https://shop.example/p?x=1', true)).toBe('https://shop.example/p?x=1');
  });

  it('returns origin + path (+ query) exactly, whatever the URL holds', () => {
    const urls = [
      'https://shop.example',
      'https://shop.example/?',
      'https://shop.example/?#',
      'https://shop.example/p?#frag?x',
      'https://user:secret@shop.example:8443/a/b?q=1&r=2#x',
      'http://:pw@shop.example/',
      'HTTP://Shop.Example:80/./a/../b',
      'https://bücher.example/straße?ä=ö',
      'https://[::1]:3000/p%20q?x=%41',
      'https://shop.example/p?x=1#top',
      `https://shop.example/${'a'.repeat(3000)}`,
    ];
    for (const raw of urls) {
      const url = new URL(raw);
      for (const keepQuery of [false, true]) {
        const expected = (url.origin + url.pathname + (keepQuery ? url.search : '')).slice(
          0,
          LIMITS.urlChars,
        );
        expect(pageUrl(raw, keepQuery), `${raw} ${keepQuery}`).toBe(expected);
      }
    }
    expect(pageUrl('https://user:secret@shop.example/a')).toBe('https://shop.example/a');
  });

  it('refuses non-http(s) URLs', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'nope']) {
      expect(pageUrl(bad)).toBe('');
    }
  });
});
