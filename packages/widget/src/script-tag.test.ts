import { describe, expect, it } from 'vitest';
import { visitorUrl } from './chat.js';
import { appUrl, scriptOptions } from './script-tag.js';

const tag = (src: string, data: Record<string, string>) => {
  const script = document.createElement('script');
  script.src = src;
  for (const [k, v] of Object.entries(data)) script.dataset[k] = v;
  return script;
};

describe('scriptOptions', () => {
  it('15: reads data-text-<key> for every language and data-text-<lang>-<key> for one', () => {
    const script = document.createElement('script');
    script.src = 'https://chat.example.com/widget.js';
    script.setAttribute('data-site', 'acme');
    script.setAttribute('data-text-greeting', 'Hi there!');
    script.setAttribute('data-text-send', 'Go');
    script.setAttribute('data-text-new-chat', 'Start again');
    script.setAttribute('data-text-de-greeting', 'Hallo!');
    script.setAttribute('data-text-de-new-chat', 'Neu');
    script.setAttribute('data-text-ar-open', 'تحدث معنا');
    script.setAttribute('data-texts', 'not an override');
    expect(scriptOptions(script).texts).toEqual({
      '*': { greeting: 'Hi there!', send: 'Go', newChat: 'Start again' },
      de: { greeting: 'Hallo!', newChat: 'Neu' },
      ar: { open: 'تحدث معنا' },
    });
    expect(
      scriptOptions(tag('https://chat.example.com/widget.js', { site: 'a' })),
    ).not.toHaveProperty('texts');
  });

  it('derives the relay from the script src and reads every data-* option', () => {
    const o = scriptOptions(
      tag('https://chat.example.com/widget.js', {
        site: 'acme',
        position: 'left',
        color: '#123456',
        locale: 'de',
        open: 'true',
        connect: 'on-load',
        consent: 'granted',
        sound: 'off',
        persist: 'false',
        prechat: 'optional',
      }),
    );
    expect(o).toEqual({
      relay: 'https://chat.example.com',
      site: 'acme',
      position: 'left',
      color: '#123456',
      locale: 'de',
      open: true,
      connect: 'on-load',
      consent: true,
      sound: false,
      persist: false,
      preChat: 'optional',
    });
    expect(
      scriptOptions(tag('https://cdn.example/w.js', { site: 'a', relay: 'https://r.example' }))
        .relay,
    ).toBe('https://r.example');
  });

  it('finds the app file beside the widget script, or under data-relay', () => {
    expect(appUrl(tag('https://chat.example.com/widget.js', {}))).toBe(
      'https://chat.example.com/widget/app.js',
    );
    expect(appUrl(tag('https://cdn.example/w/widget.js', { relay: 'https://r.example/x/' }))).toBe(
      'https://r.example/x/widget/app.js',
    );
  });

  it('turns the relay URL into the visitor endpoint: ws for http, wss for https', () => {
    expect(visitorUrl('http://127.0.0.1:8080', 'acme')).toBe(
      'ws://127.0.0.1:8080/v1/visitor?site=acme',
    );
    expect(visitorUrl('https://chat.example.com/', 'a b')).toBe(
      'wss://chat.example.com/v1/visitor?site=a%20b',
    );
    expect(() => visitorUrl('ftp://x', 'a')).toThrow(
      expect.objectContaining({ code: 'bad_option' }),
    );
  });
});
