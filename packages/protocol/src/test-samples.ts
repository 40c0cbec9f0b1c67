import type { OperatorToRelay, RelayToOperator, RelayToVisitor, VisitorToRelay } from './index.js';

// One valid frame of every type in every direction, shared by the protocol tests and by
// relay/widget tests that need a realistic frame. Values are already clean, so a parse
// returns them unchanged.

const snapshot = {
  session: 'S1abc',
  state: 'chatting' as const,
  owner: { id: 'ada', name: 'Ada' },
  startedAt: 1_700_000_000_000,
  waitingSince: null,
  page: { url: 'https://shop.example/cart', title: 'Cart' },
  pages: [{ url: 'https://shop.example/', title: 'Home', at: 1_700_000_000_000 }],
  referrer: 'https://search.example/',
  invited: { name: 'Ada', at: 1_700_000_000_100 },
  name: 'Grace',
  email: 'grace@example.com',
  custom: { plan: 'pro', seats: 3, trial: false },
  ip: '203.0.113.0',
  country: 'DE',
  browser: 'Chrome 130',
  os: 'Linux',
  device: 'desktop',
  lang: 'de-DE',
  tz: 'Europe/Berlin',
  screen: { w: 1920, h: 1080 },
  lastSeq: 4,
};

/** Valid visitor → relay frames, one per type. */
export const visitorSamples: VisitorToRelay[] = [
  {
    t: 'hello',
    v: 1,
    resume: 'tok_123',
    lastSeq: 3,
    page: { url: 'https://shop.example/', title: 'Shop', referrer: 'https://search.example/' },
    client: { lang: 'en-GB', tz: 'Europe/London', screen: { w: 390, h: 844 } },
    info: { name: 'Grace', email: 'grace@example.com', custom: { plan: 'pro' } },
  },
  { t: 'msg', id: 'm_1', text: 'Hello,\nis the blue one in stock?' },
  { t: 'typing', on: true },
  { t: 'page', url: 'https://shop.example/cart', title: 'Cart' },
  {
    t: 'info',
    name: 'Grace',
    email: 'grace@example.com',
    custom: { orders: 2 },
    userId: 'user-42',
    hash: 'a'.repeat(64),
  },
  { t: 'end' },
  { t: 'offline', id: 'o_1', name: 'Grace', email: 'grace@example.com', text: 'Call me back.' },
  { t: 'ping' },
];

/** Valid relay → visitor frames, one per type. */
export const relayVisitorSamples: RelayToVisitor[] = [
  {
    t: 'welcome',
    session: 'S1abc',
    token: 'tok_123',
    resumed: false,
    truncated: false,
    operators: [{ name: 'Ada' }],
    online: true,
    agent: null,
    widget: {
      name: 'Shop',
      color: '#2563eb',
      position: 'right',
      greeting: 'Hi!',
      connect: 'on-open',
      preChat: 'optional',
    },
  },
  {
    t: 'msg',
    seq: 1,
    id: 'm_1',
    from: 'operator',
    name: 'Ada',
    text: 'Yes!',
    at: 1_700_000_000_000,
  },
  { t: 'ack', id: 'm_1', seq: 1 },
  { t: 'typing', on: true, name: 'Ada' },
  { t: 'status', online: true, operators: [{ name: 'Ada' }], agent: { name: 'Ada' } },
  { t: 'invite', name: 'Ada', text: 'Can I help?', at: 1_700_000_000_000 },
  { t: 'queued', id: 'o_1' },
  { t: 'ended', reason: 'operator' },
  { t: 'error', code: 'rate_limited', message: 'Slow down.', id: 'm_2', retryMs: 100 },
  { t: 'pong' },
];

/** Valid operator → relay frames, one per type. */
export const operatorSamples: OperatorToRelay[] = [
  { t: 'auth', v: 1, key: 'k_secret' },
  { t: 'accept', session: 'S1abc', takeover: true },
  { t: 'msg', session: 'S1abc', id: 'r_1', text: 'On its way.' },
  { t: 'typing', session: 'S1abc', on: false },
  { t: 'invite', session: 'S1abc', text: 'Need a hand?' },
  { t: 'close', session: 'S1abc' },
  { t: 'sync', session: 'S1abc', lastSeq: 2 },
  { t: 'ping' },
  { t: 'status', away: true },
];

/** Valid relay → operator frames, one per type. */
export const relayOperatorSamples: RelayToOperator[] = [
  {
    t: 'ready',
    operator: { id: 'ada', name: 'Ada' },
    site: { id: 'shop', name: 'Shop' },
    operators: [{ id: 'ada', name: 'Ada' }],
    visitors: [snapshot],
    canned: [{ shortcut: 'hi', text: 'Hello! How can I help?' }],
  },
  { t: 'visitor', visitor: snapshot },
  { t: 'gone', session: 'S1abc', reason: 'expired' },
  {
    t: 'msg',
    session: 'S1abc',
    seq: 5,
    id: 'm_2',
    from: 'operator',
    name: 'Ada',
    operator: 'ada',
    text: 'Thanks',
    at: 1_700_000_000_000,
  },
  { t: 'ack', session: 'S1abc', id: 'r_1', seq: 6 },
  { t: 'typing', session: 'S1abc', on: true, from: 'visitor' },
  {
    t: 'operators',
    operators: [
      { id: 'ada', name: 'Ada' },
      { id: 'bob', name: 'Bob', away: true },
    ],
  },
  { t: 'cluster', partial: true },
  { t: 'error', code: 'forbidden', message: 'Not allowed.', session: 'S1abc' },
  { t: 'pong' },
];
