import type { VisitorSnapshot } from '@conduit-chat/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { byText, click, type Mounted, mount } from '../test-dom.js';
import { visitor } from '../test-ws-server.js';
import { VisitorTable } from './visitor-table.js';

const NOW = 1_000_000 + 125_000;

describe('VisitorTable', () => {
  let m: Mounted | undefined;
  let calls: string[];
  afterEach(() => m?.unmount());

  const table = (visitors: VisitorSnapshot[], invited: string[] = [], typing: string[] = []) => (
    <VisitorTable
      visitors={visitors}
      me={{ id: 'ada', name: 'Ada' }}
      now={NOW}
      invited={new Set(invited)}
      typing={new Set(typing)}
      onInvite={(s) => calls.push(`invite:${s}`)}
      onAccept={(s) => calls.push(`accept:${s}`)}
      onOpen={(s) => calls.push(`open:${s}`)}
    />
  );
  const render = (visitors: VisitorSnapshot[], invited: string[] = [], typing: string[] = []) => {
    calls = [];
    m = mount(table(visitors, invited, typing));
    return m.root;
  };
  const row = (session: string) => m?.root.querySelector(`tr[data-session="${session}"]`);
  const order = () =>
    [...(m?.root.querySelectorAll('tbody tr') ?? [])].map((r) => r.getAttribute('data-session'));

  it('shows the technical data of a visitor', () => {
    render([
      visitor({
        name: 'Eve',
        custom: { plan: 'gold', orders: 3 },
        email: 'eve@example.com',
        city: 'Berlin',
      }),
    ]);
    const cells = [...(row('s1')?.querySelectorAll('td') ?? [])].map((c) => c.textContent);
    expect(cells[0]).toBe('Evede-DE');
    expect(cells[1]).toBe('Browsing');
    expect(cells[2]).toBe('Green tea/products/tea');
    expect(cells[3]).toBe('2');
    expect(cells[4]).toBe('2:05');
    expect(cells[5]).toBe('Firefox 140 · Linux · desktop');
    expect(cells[6]).toBe('DE, Berlin');
    expect(cells[7]).toBe('search.example');
    expect(cells[8]).toBe('eve@example.complan: goldorders: 3');
  });

  it('15: badges a verified visitor with the word and the user id, and nobody else', () => {
    render([
      visitor({ session: 'v', name: 'Vera', verified: true, userId: 'user-42' }),
      visitor({ session: 'u', name: 'Una', userId: 'user-43' }),
      visitor({ session: 'n', name: 'Nils' }),
    ]);
    const badge = row('v')?.querySelector('.verified');
    expect(badge?.textContent).toBe('✓ Verified user id user-42');
    expect(badge?.querySelector('[aria-hidden="true"]')?.textContent).toBe('✓ ');
    expect(row('v')?.querySelector('td')?.textContent).toBe('Vera ✓ Verified user id user-42de-DE');
    for (const s of ['u', 'n']) {
      expect(row(s)?.querySelector('.verified')).toBeNull();
      expect(row(s)?.textContent).not.toContain('Verified');
    }
  });

  it('shows who is chatting and how long a visitor has waited', () => {
    render([
      visitor({ session: 'a', state: 'chatting', owner: { id: 'bob', name: 'Bob' } }),
      visitor({ session: 'b', state: 'chatting', owner: { id: 'ada', name: 'Ada' } }),
      visitor({ session: 'c', state: 'waiting', waitingSince: NOW - 42_000 }),
      visitor({ session: 'd', state: 'detached' }),
    ]);
    expect(row('a')?.querySelectorAll('td')[1]?.textContent).toBe('Chatting with Bob');
    expect(row('b')?.querySelectorAll('td')[1]?.textContent).toBe('Chatting with you');
    expect(row('c')?.querySelectorAll('td')[1]?.textContent).toBe('Waitingfor 0:42');
    expect(row('d')?.querySelectorAll('td')[1]?.textContent).toBe('Left');
  });

  it('sorts by a column on click and reverses on a second click', () => {
    render([
      visitor({ session: 'a', startedAt: NOW - 10_000, pages: [] }),
      visitor({ session: 'b', startedAt: NOW - 90_000 }),
      visitor({ session: 'c', startedAt: NOW - 50_000, state: 'waiting' }),
    ]);
    expect(order()).toEqual(['a', 'c', 'b']);
    const pages = byText(m!.root, 'th', 'Pages');
    click(pages.querySelector('button'));
    expect(pages.getAttribute('aria-sort')).toBe('ascending');
    expect(order()).toEqual(['a', 'b', 'c']);
    click(pages.querySelector('button'));
    expect(pages.getAttribute('aria-sort')).toBe('descending');
    expect(order()).toEqual(['c', 'b', 'a']);
    click(byText(m!.root, 'th', 'State').querySelector('button'));
    expect(order()[0]).toBe('c');
  });

  it('updates a row in place and drops a row whose session is gone', () => {
    render([visitor(), visitor({ session: 's2' })]);
    m?.update(
      table([
        visitor({ page: { url: 'https://shop.example/cart', title: 'Cart' }, pages: [] }),
        visitor({ session: 's2' }),
      ]),
    );
    expect(row('s1')?.querySelector('.page')?.textContent).toBe('Cart/cart');
    m?.update(table([visitor({ session: 's2' })]));
    expect(row('s1')).toBeNull();
    expect(order()).toEqual(['s2']);
  });

  it('offers invite for browsing, accept for waiting, open for chatting visitors', () => {
    render(
      [
        visitor({ session: 'a' }),
        visitor({ session: 'b', state: 'waiting' }),
        visitor({ session: 'c', state: 'chatting', owner: { id: 'bob', name: 'Bob' } }),
        visitor({ session: 'd' }),
      ],
      ['d'],
    );
    click(row('a')?.querySelector('.actions button'));
    click(row('b')?.querySelector('.actions button'));
    click(row('c')?.querySelector('.actions button'));
    expect(calls).toEqual(['invite:a', 'accept:b', 'open:c']);
    expect(row('d')?.querySelector('.actions')?.textContent).toBe('Invited');
  });

  it('shows who invited a visitor, from any console, with the name isolated', () => {
    render([
      visitor({ session: 'a', invited: { name: 'Bob', at: 1 } }),
      visitor({ session: 'b', invited: { name: '\u202eevil', at: 2 } }),
    ]);
    expect(row('a')?.querySelector('.actions')?.textContent).toBe('Invited by Bob');
    expect(row('a')?.querySelector('.actions button')).toBeNull();
    expect(row('b')?.querySelector('.actions bdi')?.textContent).toBe('\u202eevil');
  });

  it('B5: renders HTML in name, page title, referrer and custom info as text', () => {
    const evil = '<img src=x onerror=alert(1)>';
    render([
      visitor({
        name: evil,
        page: { url: 'https://shop.example/x', title: `<script>alert(1)</script>` },
        referrer: 'javascript:alert(1)',
        custom: { note: '<b>bold</b>' },
      }),
    ]);
    const r = row('s1')!;
    expect(r.querySelector('img, script, b, a')).toBeNull();
    expect(r.querySelector('bdi.name')?.textContent).toBe(evil);
    expect(r.querySelector('.page bdi')?.textContent).toBe('<script>alert(1)</script>');
    expect(r.textContent).toContain('javascript:alert(1)');
    expect(r.textContent).toContain('note: <b>bold</b>');
  });

  it('shows that a browsing visitor is typing', () => {
    render([visitor()], ['s1'], ['s1']);
    expect(row('s1')?.querySelectorAll('td')[1]?.textContent).toBe('Browsingtyping…');
  });

  it('says so when nobody is on the site', () => {
    render([]);
    expect(m?.root.textContent).toContain('No visitors on the site right now.');
  });
});
