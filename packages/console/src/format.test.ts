import { describe, expect, it } from 'vitest';
import { duration, errorText, pagePath, referrerLabel, stateLabel, visitorName } from './format.js';
import { visitor } from './test-ws-server.js';

describe('format', () => {
  it('formats durations as m:ss and h:mm:ss, never negative', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(65_400)).toBe('1:05');
    expect(duration(3_725_000)).toBe('1:02:05');
    expect(duration(-5_000)).toBe('0:00');
  });

  it('shows a page as its path, a referrer as host and path', () => {
    expect(pagePath('https://shop.example/tea/green?x=1')).toBe('/tea/green?x=1');
    expect(pagePath('not a url')).toBe('not a url');
    expect(referrerLabel('')).toBe('direct');
    expect(referrerLabel('https://search.example/')).toBe('search.example');
    expect(referrerLabel('https://news.example/a/b?c')).toBe('news.example/a/b');
    expect(referrerLabel('javascript:alert(1)')).toBe('javascript:alert(1)');
  });

  it('names a visitor by their name or the end of the session id', () => {
    expect(visitorName(visitor({ name: 'Eve' }), 's1')).toBe('Eve');
    expect(visitorName(visitor({ name: '  ' }), 'abcdef1234')).toBe('Visitor 1234');
    expect(visitorName(null, 'abcdef1234')).toBe('Visitor 1234');
  });

  it('words the visitor states', () => {
    expect(
      ['browsing', 'waiting', 'chatting', 'detached'].map((s) => stateLabel(s as never)),
    ).toEqual(['Browsing', 'Waiting', 'Chatting with', 'Left']);
  });
});

describe('errorText', () => {
  it('explains the refusals an operator meets and passes others through', () => {
    expect(errorText('unknown_session', 'No such session.')).toBe('That visitor has left.');
    expect(errorText('bad_json', 'Frame is not valid JSON text.')).toBe(
      'Frame is not valid JSON text.',
    );
    expect(errorText('local', 'Not connected.')).toBe('Not connected.');
  });
});
