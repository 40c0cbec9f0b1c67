import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('B4: links only http(s) URLs and leaves javascript:, data: and markdown links as text', () => {
    const text = 'a javascript:alert(1) data:text/html,x [y](javascript:z) http://x.example/p, end';
    const parts = linkify(text);
    expect(parts.filter((p) => p.href)).toEqual([
      { text: 'http://x.example/p', href: 'http://x.example/p' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('keeps trailing sentence punctuation outside the link', () => {
    expect(linkify('see https://a.example/x).')).toEqual([
      { text: 'see ' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: ').' },
    ]);
  });

  it('keeps a quote inside a URL and drops one that closes it', () => {
    expect(linkify("https://example.com/it's-here and 'https://b.example/q'")).toEqual([
      { text: "https://example.com/it's-here", href: "https://example.com/it's-here" },
      { text: " and '" },
      { text: 'https://b.example/q', href: 'https://b.example/q' },
      { text: "'" },
    ]);
  });

  it('gives the parsed href, never a scheme other than http(s)', () => {
    const parts = linkify('javascript:https://y and HTTPS://Shop.Example/a b');
    expect(parts.filter((p) => p.href).map((p) => p.href)).toEqual([
      'https://y/',
      'https://shop.example/a',
    ]);
    for (const p of parts) if (p.href) expect(new URL(p.href).protocol).toMatch(/^https?:$/);
  });

  it('returns no empty parts', () => {
    expect(linkify('')).toEqual([]);
    expect(linkify('https://a.example')).toEqual([
      { text: 'https://a.example', href: 'https://a.example/' },
    ]);
  });
});
