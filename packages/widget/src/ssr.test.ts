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

  it('15: createChat() on a server throws a WidgetError with code ssr', async () => {
    const widget = await import('./index.js');
    let caught: unknown;
    try {
      widget.createChat({ relay: 'https://chat.example.com', site: 'acme' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(widget.WidgetError);
    expect(caught).toMatchObject({ code: 'ssr', message: expect.stringContaining('browser') });
  });
});
