import type { CannedResponse } from '@conduit-chat/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Mounted, mount, press, typeInto } from '../test-dom.js';
import { Composer } from './composer.js';

const canned: CannedResponse[] = [
  { shortcut: 'hi', text: 'Hello! How can I help you today?' },
  { shortcut: 'ship', text: 'We ship within two working days.' },
  { shortcut: 'shop', text: 'Our shop is open 9–5.' },
];

describe('Composer', () => {
  let m: Mounted | undefined;
  let sent: string[];
  let typing: number;
  let accept: boolean;
  afterEach(() => m?.unmount());

  const render = (draft = '') => {
    sent = [];
    typing = 0;
    accept = true;
    m = mount(
      <Composer
        canned={canned}
        draft={draft}
        onDraft={() => {}}
        onSend={(t) => {
          sent.push(t);
          return accept;
        }}
        onTyping={() => typing++}
      />,
    );
    return m.root.querySelector('textarea') as HTMLTextAreaElement;
  };

  it('sends on Enter and clears, keeps Shift+Enter for a new line', () => {
    const box = render();
    typeInto(box, 'Hello');
    expect(typing).toBe(1);
    expect(press(box, 'Enter', { shiftKey: true })).toBe(false);
    expect(sent).toEqual([]);
    expect(press(box, 'Enter')).toBe(true);
    expect(sent).toEqual(['Hello']);
    expect(box.value).toBe('');
  });

  it('keeps the draft when the message could not be queued', () => {
    const box = render();
    accept = false;
    typeInto(box, 'Hello');
    press(box, 'Enter');
    expect(box.value).toBe('Hello');
  });

  it('B24: sends nothing for whitespace only, and blocks text over the limit', () => {
    const box = render();
    typeInto(box, '   \n  ');
    press(box, 'Enter');
    expect(sent).toEqual([]);
    typeInto(box, 'x'.repeat(4001));
    expect(m?.root.querySelector('.count')?.textContent).toBe('4001 / 4000');
    expect(m?.root.querySelector('.count')?.classList.contains('over')).toBe(true);
    expect(m!.root.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled).toBe(true);
    press(box, 'Enter');
    expect(sent).toEqual([]);
  });

  it('offers canned responses for "/" and inserts the chosen one with Enter', () => {
    const box = render();
    typeInto(box, '/');
    const options = () =>
      [...(m?.root.querySelectorAll('[role=option]') ?? [])].map((o) => o.textContent);
    expect(options()).toHaveLength(3);
    typeInto(box, 'Sure! /sh');
    expect(options()).toEqual([
      '/ship We ship within two working days.',
      '/shop Our shop is open 9–5.',
    ]);
    press(box, 'ArrowDown');
    expect(m?.root.querySelector('[aria-selected=true]')?.textContent).toContain('/shop');
    press(box, 'Enter');
    expect(box.value).toBe('Sure! Our shop is open 9–5.');
    expect(sent).toEqual([]);
    expect(options()).toEqual([]);
  });

  it('closes the canned list with Escape, so Enter sends the text as typed', () => {
    const box = render();
    typeInto(box, '/hi');
    press(box, 'Escape');
    expect(m?.root.querySelector('[role=listbox]')).toBeNull();
    press(box, 'Enter');
    expect(sent).toEqual(['/hi']);
  });

  it('does not offer canned responses for a slash inside a word', () => {
    const box = render();
    typeInto(box, 'and/or');
    expect(m?.root.querySelector('[role=listbox]')).toBeNull();
  });

  it('starts from the draft kept for the chat', () => {
    const box = render('half-written');
    expect(box.value).toBe('half-written');
  });
});
