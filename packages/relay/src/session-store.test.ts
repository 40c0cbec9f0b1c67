import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, resumeToken, type Session } from './session-store.js';

type Conn = { name: string };
const tech = {
  ip: '203.0.113.0',
  country: '',
  city: '',
  browser: 'Firefox 140',
  os: 'Linux',
  device: 'desktop',
  lang: 'en',
  tz: 'UTC',
  screenW: 1280,
  screenH: 800,
  referrer: '',
};

function setup(overrides: { graceMs?: number; historyCap?: number; maxPerSite?: number } = {}) {
  const expired: Session<Conn>[] = [];
  const store = createSessionStore<Conn>({
    graceMs: 50,
    historyCap: 3,
    maxPerSite: 2,
    pagesCap: 2,
    onGraceExpired: (s) => {
      expired.push(s);
      store.end(s);
    },
    ...overrides,
  });
  const open = (siteId = 'acme', conn: Conn = { name: 'a' }) =>
    store.create({ siteId, conn, tech, page: { url: 'https://acme.example/', title: 'Home' } });
  return { store, expired, open };
}

describe('createSessionStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates sessions findable by id, token and site, up to maxPerSite', () => {
    const { store, open } = setup();
    const a = open();
    const b = open();
    expect(a && b).toBeTruthy();
    if (!a || !b) return;
    expect(a.id).not.toBe(b.id);
    const token = resumeToken(a);
    expect(token).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(store.get(a.id)).toBe(a);
    expect(store.byToken(token)).toBe(a);
    // The id alone, a wrong secret, or another session's secret: no session.
    expect(store.byToken(a.id)).toBeUndefined();
    expect(store.byToken(a.id + resumeToken(b).slice(22))).toBeUndefined();
    expect(
      store.byToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
    ).toBeUndefined();
    expect(store.byToken(`${token}x`)).toBeUndefined();
    expect([...store.ofSite('acme')]).toEqual([a, b]);
    expect(open()).toBeNull();
    expect(open('other')).not.toBeNull();
  });

  it('assigns seqs, de-duplicates by client id per author, and caps history', () => {
    const { store, open } = setup();
    const s = open() as Session<Conn>;
    const m1 = store.append(s, { id: 'x1', from: 'visitor', text: 'one' });
    const again = store.append(s, { id: 'x1', from: 'visitor', text: 'one' });
    const op = store.append(s, { id: 'x1', from: 'operator', name: 'Ada', text: 'two' });
    expect([m1.message.seq, m1.duplicate]).toEqual([1, false]);
    expect([again.message.seq, again.duplicate]).toEqual([1, true]);
    expect([op.message.seq, op.duplicate, op.message.name]).toEqual([2, false, 'Ada']);
    store.append(s, { id: 'x3', from: 'visitor', text: 'three' });
    store.append(s, { id: 'x4', from: 'visitor', text: 'four' });
    const held = () => [...(s.history?.after(0) ?? [])];
    expect(held().map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(s.truncated).toBe(1);
    // An id still held is a duplicate; the dropped message's id is forgotten with it.
    expect(store.append(s, { id: 'x1', from: 'operator', text: 'two' }).message.seq).toBe(2);
    const resent = store.append(s, { id: 'x1', from: 'visitor', text: 'one' });
    expect([resent.message.seq, resent.duplicate]).toEqual([5, false]);
    expect(store.truncatedAfter(s, 0)).toBe(true);
    expect(store.truncatedAfter(s, 1)).toBe(true);
    expect(store.truncatedAfter(s, 2)).toBe(false);
    expect(held().map((m) => m.text)).toEqual(['three', 'four', 'one']);
  });

  it('wipes the history bytes when the session ends', () => {
    const { store, open } = setup();
    const s = open() as Session<Conn>;
    store.append(s, { id: 'a', from: 'visitor', text: 'my card number is 4111' });
    const history = s.history;
    const bytes = (history as unknown as { bytes: Buffer }).bytes;
    expect(bytes.includes('4111')).toBe(true);
    store.end(s);
    expect(s.history).toBeNull();
    expect(bytes.includes('4111')).toBe(false);
    expect(bytes.every((b) => b === 0)).toBe(true);
  });

  it('keeps a detached session for the grace window and cancels expiry on attach', () => {
    const { store, open, expired } = setup();
    const conn = { name: 'first' };
    const s = open('acme', conn) as Session<Conn>;
    expect(store.detach(s, { name: 'stranger' })).toBe(false);
    expect(store.detach(s, conn)).toBe(true);
    expect([s.state, store.stats().graceTimers]).toEqual(['detached', 1]);
    vi.advanceTimersByTime(40);
    const next = { name: 'second' };
    expect(store.attach(s, next)).toBeNull();
    expect([s.state, s.conn, store.stats().graceTimers]).toEqual(['active', next, 0]);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual([]);
    expect(store.attach(s, { name: 'third' })).toBe(next);
  });

  it('expires a detached session once after the grace window (F3)', () => {
    const { store, open, expired } = setup();
    const conn = { name: 'a' };
    const s = open('acme', conn) as Session<Conn>;
    store.detach(s, conn);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual([s]);
    expect([s.state, store.byToken(resumeToken(s))]).toEqual(['ended', undefined]);
    expect(store.end(s)).toBe(false);
  });

  it('expires at once when graceMs is 0', () => {
    const { store, open, expired } = setup({ graceMs: 0 });
    const conn = { name: 'a' };
    const s = open('acme', conn) as Session<Conn>;
    store.detach(s, conn);
    expect(expired).toEqual([s]);
  });

  it('F12: leaves every map empty after all sessions and operators are gone', () => {
    const { store, open } = setup({ maxPerSite: 100 });
    const op = { name: 'op' };
    store.addOperator('acme', op);
    const conns = Array.from({ length: 10 }, (_, i) => ({ name: `v${i}` }));
    const list = conns.map((c) => open('acme', c) as Session<Conn>);
    for (const s of list) store.append(s, { id: 'm', from: 'visitor', text: 'hi' });
    list.forEach((s, i) => {
      if (i % 2) store.detach(s, conns[i] as Conn);
    });
    expect(store.stats()).toMatchObject({ sessions: 10, operators: 1, graceTimers: 5 });
    for (const s of list) store.end(s);
    expect(store.removeOperator('acme', op)).toBe(true);
    expect(store.stats()).toEqual({
      sessions: 0,
      siteIndexes: 0,
      siteEntries: 0,
      operatorSites: 0,
      operators: 0,
      graceTimers: 0,
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caps pages viewed', () => {
    const { store, open } = setup();
    const s = open() as Session<Conn>;
    store.addPage(s, { url: 'https://acme.example/a', title: 'A' });
    store.addPage(s, { url: 'https://acme.example/b', title: 'B' });
    expect(s.pages.map((p) => p.title)).toEqual(['A', 'B']);
  });
});
