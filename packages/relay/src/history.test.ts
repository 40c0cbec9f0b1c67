import { describe, expect, it } from 'vitest';
import { History, idHash } from './history.js';

const peek = (h: History) => h as unknown as { bytes: Buffer };

describe('History', () => {
  it('keeps messages in seq order with their fields, names and UTF-8 text intact', () => {
    const h = new History(10);
    h.push('a1', 'visitor', undefined, 'héllo 👋 \u202e', 1_700_000_000_123);
    h.push('b_2-Z', 'operator', 'Zoë 李', '', 1_700_000_000_456.5);
    expect([h.firstSeq, h.lastSeq, h.length]).toEqual([1, 2, 2]);
    expect(h.get(1)).toEqual({
      seq: 1,
      id: 'a1',
      from: 'visitor',
      name: undefined,
      text: 'héllo 👋 \u202e',
      at: 1_700_000_000_123,
    });
    expect(h.get(2)).toMatchObject({ id: 'b_2-Z', from: 'operator', name: 'Zoë 李', text: '' });
    expect(h.get(2)?.at).toBe(1_700_000_000_456.5);
    expect(h.get(0)).toBeUndefined();
    expect(h.get(3)).toBeUndefined();
    expect([...h.after(1)].map((m) => m.seq)).toEqual([2]);
  });

  it('keeps the operator id of operator messages, and none on visitor messages', () => {
    const h = new History(10);
    h.push('v1', 'visitor', undefined, 'question', 1);
    h.push('o1', 'operator', 'Zoë', 'answer ✓', 2, 'zoe_op-64');
    h.push('o2', 'operator', undefined, 'no name', 3, 'x');
    expect(h.get(1)).toMatchObject({ operator: undefined, name: undefined, text: 'question' });
    expect(h.get(2)).toMatchObject({ operator: 'zoe_op-64', name: 'Zoë', text: 'answer ✓' });
    expect(h.get(3)).toMatchObject({ operator: 'x', name: undefined, text: 'no name' });
    expect([h.find('operator', 'o1'), h.find('visitor', 'o1')]).toEqual([2, -1]);
  });

  it('drops the oldest past the cap and forgets their ids', () => {
    const h = new History(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => h.push(`id${n}`, 'visitor', undefined, `m${n}`, n));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect([...h.after(0)].map((m) => m.text)).toEqual(['m3', 'm4', 'm5']);
    expect([h.firstSeq, h.lastSeq]).toEqual([3, 5]);
    expect(h.find('visitor', 'id1')).toBe(-1);
    expect(h.find('visitor', 'id4')).toBe(4);
    expect(h.find('operator', 'id4')).toBe(-1);
  });

  it('finds ids per side among many, and a full hash collision does not match a different id', () => {
    const h = new History(2000);
    for (let i = 0; i < 1500; i++) h.push(`v${i}`, i % 2 ? 'operator' : 'visitor', 'Ada', 'x', i);
    for (let i = 0; i < 1500; i++) {
      expect(h.find(i % 2 ? 'operator' : 'visitor', `v${i}`)).toBe(i + 1);
      expect(h.find(i % 2 ? 'visitor' : 'operator', `v${i}`)).toBe(-1);
    }
    expect(h.find('visitor', 'v1500')).toBe(-1);
    // Two ids with the same 32-bit hash (found by search): each finds its own message.
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; !pair; i++) {
      const id = `c${i.toString(36)}`;
      const other = seen.get(idHash('visitor', id));
      if (other) pair = [other, id];
      else seen.set(idHash('visitor', id), id);
    }
    const c = new History(10);
    c.push(pair[0], 'visitor', undefined, 'first', 1);
    expect(c.find('visitor', pair[1])).toBe(-1);
    c.push(pair[1], 'visitor', undefined, 'second', 2);
    expect([c.find('visitor', pair[0]), c.find('visitor', pair[1])]).toEqual([1, 2]);
  });

  it('keeps finding ids while old ones drop, across index rebuilds', () => {
    const h = new History(20);
    for (let i = 0; i < 500; i++) {
      h.push(`id${i}`, 'visitor', undefined, `t${i}`, i);
      expect(h.find('visitor', `id${i}`)).toBe(i + 1);
      if (i >= 20) expect(h.find('visitor', `id${i - 20}`)).toBe(-1);
      if (i >= 19) expect(h.find('visitor', `id${i - 19}`)).toBe(i - 18);
    }
  });

  it('survives a long run of appends with mixed sizes: compaction and growth keep every byte', () => {
    const h = new History(50);
    const texts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const text = `${i}:${'é'.repeat((i * 37) % 300)}${i % 7 === 0 ? '🙂'.repeat(i % 50) : ''}`;
      texts.push(text);
      h.push(`m${i}`, i % 3 ? 'visitor' : 'operator', i % 3 ? undefined : `Op ${i}`, text, i);
    }
    expect(h.length).toBe(50);
    const held = [...h.after(0)];
    expect(held.map((m) => m.text)).toEqual(texts.slice(-50));
    expect(held.map((m) => m.seq)).toEqual(texts.slice(-50).map((_, k) => 4951 + k));
    expect(
      held.every((m) => ((m.seq - 1) % 3 ? m.name === undefined : m.name === `Op ${m.seq - 1}`)),
    ).toBe(true);
    // Bounded: about twice the live bytes, not the 5 000 messages ever sent.
    const live = held.reduce(
      (n, m) => n + 16 + m.id.length + Buffer.byteLength(m.text) + Buffer.byteLength(m.name ?? ''),
      0,
    );
    expect(peek(h).bytes.length).toBeLessThanOrEqual(4 * live);
  });

  it('keeps a 4 000-character message of 4-byte characters whole', () => {
    const h = new History(2);
    const big = '𝄞'.repeat(2000);
    h.push('a', 'visitor', undefined, big, 1);
    h.push('b', 'visitor', undefined, big, 2);
    h.push('c', 'visitor', undefined, 'small', 3);
    expect([...h.after(0)].map((m) => m.text)).toEqual([big, 'small']);
  });

  it('wipe zeroes the bytes and continues the seqs', () => {
    const h = new History(5);
    h.push('a', 'visitor', undefined, 'secret', 1);
    const { bytes } = peek(h);
    h.wipe();
    expect(bytes.includes('secret')).toBe(false);
    expect([h.length, h.firstSeq]).toEqual([0, 2]);
  });

  it('zeroes the old buffer when it grows, so no copy of a message is left behind', () => {
    const h = new History(1000);
    h.push('a', 'visitor', undefined, 'first secret', 1);
    const before = peek(h).bytes;
    for (let i = 0; i < 40; i++) h.push(`b${i}`, 'visitor', undefined, 'x'.repeat(100), i);
    expect(peek(h).bytes).not.toBe(before);
    expect(before.includes('first secret')).toBe(false);
    expect(peek(h).bytes.includes('first secret')).toBe(true);
  });
});
