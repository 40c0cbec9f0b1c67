import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape-html.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('B4: renders script-like text inert', () => {
    for (const attack of [
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '</script><script>alert(1)</script>',
      '<style>body{display:none}</style>',
    ]) {
      const out = escapeHtml(attack);
      expect(out).not.toMatch(/[<>]/);
    }
  });

  it('leaves ordinary text, quotes-free, unchanged', () => {
    expect(escapeHtml('Olá, 你好 — fine')).toBe('Olá, 你好 — fine');
  });

  it('escapes an already escaped entity again (no double-unescape path)', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});
