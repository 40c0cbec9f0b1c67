import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { OperatorToRelay, RelayToOperator, VisitorSnapshot } from '@conduit-chat/protocol';
import type * as WsModule from 'ws';

// The dom project resolves `ws` with the browser condition (its browser stub throws), so the
// real server is loaded through Node's own resolver.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof WsModule;

/** One operator socket as the test's relay sees it: read frames one by one, send frames. */
export interface TestConnection {
  /** The next frame the console sent (waits for it). */
  next(): Promise<OperatorToRelay>;
  /** Frames received but not read yet. */
  pending(): OperatorToRelay[];
  send(frame: RelayToOperator): void;
  close(code?: number): void;
  /** Cuts the TCP connection without a close frame (a network drop). */
  kill(): void;
  /** Resolves with the close code once the socket closed. */
  closed: Promise<number>;
  /** The request's query string site. */
  site: string | null;
}

/** A WebSocket server on 127.0.0.1 port 0 that the test drives frame by frame. */
export interface TestRelay {
  url: (site?: string) => string;
  /** The next connection (waits for it). */
  connection(): Promise<TestConnection>;
  /** Connections so far. */
  count(): number;
  close(): Promise<void>;
}

/** Starts a test relay. */
export async function startTestRelay(): Promise<TestRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as AddressInfo).port;
  const waiting: ((c: TestConnection) => void)[] = [];
  const ready: TestConnection[] = [];
  let count = 0;
  wss.on('connection', (ws, req) => {
    count++;
    const inbox: OperatorToRelay[] = [];
    const readers: ((f: OperatorToRelay) => void)[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as OperatorToRelay;
      const reader = readers.shift();
      if (reader) reader(frame);
      else inbox.push(frame);
    });
    const conn: TestConnection = {
      next: () =>
        new Promise((resolve) => {
          const f = inbox.shift();
          if (f) resolve(f);
          else readers.push(resolve);
        }),
      pending: () => inbox.splice(0),
      send: (frame) => ws.send(JSON.stringify(frame)),
      close: (code) => ws.close(code),
      kill: () => ws.terminate(),
      closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))),
      site: new URL(req.url ?? '/', 'http://x').searchParams.get('site'),
    };
    const w = waiting.shift();
    if (w) w(conn);
    else ready.push(conn);
  });
  return {
    url: (site = 'acme') => `ws://127.0.0.1:${port}/v1/operator?site=${site}`,
    connection: () =>
      new Promise((resolve) => {
        const c = ready.shift();
        if (c) resolve(c);
        else waiting.push(resolve);
      }),
    count: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A visitor snapshot with believable defaults. */
export function visitor(over: Partial<VisitorSnapshot> = {}): VisitorSnapshot {
  return {
    session: 's1',
    state: 'browsing',
    owner: null,
    startedAt: 1_000_000,
    waitingSince: null,
    page: { url: 'https://shop.example/products/tea', title: 'Green tea' },
    pages: [
      { url: 'https://shop.example/', title: 'Home', at: 1_000_000 },
      { url: 'https://shop.example/products/tea', title: 'Green tea', at: 1_030_000 },
    ],
    referrer: 'https://search.example/?q=tea',
    browser: 'Firefox 140',
    os: 'Linux',
    device: 'desktop',
    country: 'DE',
    lang: 'de-DE',
    tz: 'Europe/Berlin',
    screen: { w: 1920, h: 1080 },
    lastSeq: 0,
    ...over,
  };
}

/** A `ready` frame for operator Ada of site Acme. */
export function readyFrame(
  visitors: VisitorSnapshot[] = [],
  over: Partial<Extract<RelayToOperator, { t: 'ready' }>> = {},
): Extract<RelayToOperator, { t: 'ready' }> {
  return {
    t: 'ready',
    operator: { id: 'ada', name: 'Ada' },
    site: { id: 'acme', name: 'Acme' },
    operators: [{ id: 'ada', name: 'Ada' }],
    visitors,
    canned: [
      { shortcut: 'hi', text: 'Hello! How can I help you today?' },
      { shortcut: 'ship', text: 'We ship within two working days.' },
    ],
    ...over,
  };
}
