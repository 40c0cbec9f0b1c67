// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('npm entry', () => {
  it('imports without a DOM (SSR-safe) and touches nothing until createChat()', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const widget = await import('./index.js');
    expect(typeof widget.createChat).toBe('function');
    expect(widget.LOCALES).toEqual([
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
    expect(() =>
      widget.createChat({ relay: 'https://chat.example.com', site: 'bad site' }),
    ).toThrow(expect.objectContaining({ code: 'bad_option' }));
  });
});
