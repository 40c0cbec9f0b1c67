import { describe, expect, it } from 'vitest';
import { clamp, cleanLine, cleanText } from './clean-text.js';

describe('cleanLine', () => {
  it('B6: strips CR, LF, NEL and line/paragraph separators', () => {
    expect(cleanLine('Ada\r\nBcc: x@evil.example', 80)).toBe('AdaBcc: x@evil.example');
    expect(cleanLine('A\u0085B\u2028C\u2029D\nE\rF', 80)).toBe('ABCDEF');
  });

  it('B6: keeps percent-encoded line breaks as literal text', () => {
    expect(cleanLine('Ada%0d%0aBcc: x', 80)).toBe('Ada%0d%0aBcc: x');
  });

  it('B19: removes bidi overrides and zero-width characters, clamps combining marks', () => {
    expect(cleanLine('\u202Erotarepo\u200B', 80)).toBe('rotarepo');
    expect(cleanLine(`a${'\u0301'.repeat(10_000)}`, 80)).toBe(`a${'\u0301'.repeat(3)}`);
  });

  it('collapses whitespace and clamps to the limit', () => {
    expect(cleanLine('  a \t b  ', 80)).toBe('a b');
    expect(cleanLine('x'.repeat(100), 10)).toBe('x'.repeat(10));
  });
});

describe('cleanText', () => {
  it('keeps newlines, normalises CRLF and drops other controls', () => {
    expect(cleanText('a\r\nb\rc\u0000d\u202e', 100)).toBe('a\nb\ncd');
  });
});

describe('clamp', () => {
  it('does not split a surrogate pair', () => {
    expect(clamp('ab😀', 3)).toBe('ab');
    expect(clamp('ab😀', 4)).toBe('ab😀');
  });
});
