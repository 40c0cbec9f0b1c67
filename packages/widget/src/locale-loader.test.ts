import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatCore } from './chat.js';
import { bootFacade } from './facade.js';
import { EN } from './i18n.js';
import { cleanTable, LOCALE_STRING_CHARS, loadLocale } from './locale-loader.js';
import { DE } from './locales/de.js';
import { LOCALE_EVENT, localeScript } from './locales/locale-script.js';
import { type CommandFunction, localeUrl } from './script-tag.js';
import { tick } from './test-chat.js';

// The script tag's languages in happy-dom. Happy-dom here does not load script files (it
// fires `error` at once, as a browser does on a 404 or a CSP block), so a test runs the
// built file's text itself; widget.browser.test.ts loads the real files in Chromium.

const win = window as unknown as Window & { Conduit?: CommandFunction };
const launcher = () =>
  document.querySelector('conduit-chat')?.shadowRoot?.querySelector('button.l') ?? null;
const label = () => launcher()?.getAttribute('aria-label') ?? '';
const send = (detail: unknown) => document.dispatchEvent(new CustomEvent(LOCALE_EVENT, { detail }));

describe('locale loading (script tag)', () => {
  const base = 'https://chat.example.com';
  const stops: (() => void)[] = [];
  // Every <script> the widget adds to the page, in order (kept after it removes them again).
  let added: HTMLScriptElement[] = [];
  let observer: MutationObserver;

  beforeEach(() => {
    added = [];
    observer = new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          if (n.nodeName === 'SCRIPT') added.push(n as HTMLScriptElement);
    });
    observer.observe(document.head, { childList: true });
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    win.Conduit?.chat?.destroy();
    delete win.Conduit;
    observer.disconnect();
    sessionStorage.clear();
  });

  const tag = (data: Record<string, string>, nonce = '') => {
    const script = document.createElement('script');
    script.src = `${base}/widget.js`;
    for (const [k, v] of Object.entries(data)) script.dataset[k] = v;
    if (nonce) script.nonce = nonce;
    return script;
  };

  it('inserts one async script with the widget’s nonce; German once the file runs', async () => {
    bootFacade(tag({ site: 'acme', locale: 'de-AT' }, 'n0nce'), win);
    await tick();
    await tick();
    expect(label()).toBe(EN.open);
    expect(added.map((s) => [s.src, s.nonce, s.async])).toEqual([
      [`${base}/widget/locales/de.js`, 'n0nce', true],
    ]);
    // The file as the build makes it, run as the browser would run it.
    new Function(localeScript('de', DE))();
    await tick();
    expect(label()).toBe(DE.open);
  });

  it('makes no request for an English visitor', async () => {
    bootFacade(tag({ site: 'acme', locale: 'en-GB' }), win);
    await tick();
    await tick();
    expect(label()).toBe(EN.open);
    expect(added).toEqual([]);
  });

  it('keeps English and removes its script when the file fails to load (404, CSP, offline)', async () => {
    bootFacade(tag({ site: 'acme', locale: 'fr', relay: 'https://relay.example/' }), win);
    await tick();
    await tick();
    expect(added.map((s) => s.src)).toEqual(['https://relay.example/widget/locales/fr.js']);
    expect(document.head.querySelector('script')).toBeNull();
    expect(label()).toBe(EN.open);
  });

  it('merges a table from the event under the site’s overrides, which win', async () => {
    const core = chatCore(
      { relay: base, site: 'acme', locale: 'de', strings: { open: 'Hilfe?' } },
      {},
    );
    stops.push(() => core.chat.destroy());
    stops.push(loadLocale(document, `${base}/none.js`, 'de', '', core.addStrings));
    await tick();
    expect(label()).toBe('Hilfe?');
    send({ code: 'de', strings: { open: 'Chat öffnen', minimize: 'Schließen' } });
    await tick();
    expect(label()).toBe('Hilfe?');
    core.chat.open();
    await tick();
    const close = document
      .querySelector('conduit-chat')
      ?.shadowRoot?.querySelector('[aria-label="Schließen"]');
    expect(close).not.toBeNull();
  });

  it('ignores payloads of the wrong shape: strings stay English', async () => {
    const applied: unknown[] = [];
    stops.push(loadLocale(document, `${base}/none.js`, 'de', '', (t) => applied.push(t)));
    const bad: unknown[] = [
      null,
      'de',
      { code: 'fr', strings: { open: 'Ouvrir' } },
      { code: 'de' },
      { code: 'de', strings: 'Chat öffnen' },
      { code: 'de', strings: { open: 1 } },
      { code: 'de', strings: { open: 'Chat öffnen', 'on-click': 'x' } },
      { code: 'de', strings: { open: 'Chat öffnen', '': 'x' } },
      { code: 'de', strings: { open: 'x'.repeat(LOCALE_STRING_CHARS + 1) } },
      {
        code: 'de',
        get strings() {
          throw new Error('hostile getter');
        },
      },
    ];
    for (const detail of bad) send(detail);
    expect(applied).toEqual([]);
    send({ code: 'de', strings: { open: 'Chat öffnen' } });
    expect(applied).toEqual([{ open: 'Chat öffnen' }]);
    expect(cleanTable({ code: 'de', strings: { __proto__: { open: 'x' } } }, 'de')).toEqual({});
  });

  it('stops listening on destroy and removes its script element', async () => {
    const applied: unknown[] = [];
    const stop = loadLocale(document, `${base}/none.js`, 'de', '', (t) => applied.push(t));
    stop();
    send({ code: 'de', strings: { open: 'Chat öffnen' } });
    expect(applied).toEqual([]);

    // The script-tag facade calls it from destroy(): a late table changes nothing and throws nothing.
    const chat = bootFacade(tag({ site: 'acme', locale: 'de' }), win);
    chat.destroy();
    expect(document.head.querySelector('script')).toBeNull();
    expect(() => send({ code: 'de', strings: DE })).not.toThrow();
    expect(document.querySelector('conduit-chat')).toBeNull();
  });

  it('finds the language file beside the widget script, or under data-relay', () => {
    expect(localeUrl(tag({}), 'de')).toBe('https://chat.example.com/widget/locales/de.js');
    const cdn = document.createElement('script');
    cdn.src = 'https://cdn.example/chat/widget.js';
    expect(localeUrl(cdn, 'pt')).toBe('https://cdn.example/chat/widget/locales/pt.js');
    cdn.dataset.relay = 'https://relay.example/base/';
    expect(localeUrl(cdn, 'pt')).toBe('https://relay.example/base/widget/locales/pt.js');
  });
});
