import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { SocketLike } from './connection.js';

/** One visitor socket as the scripted peer sees it. */
export interface PeerSocket {
  /** The request path and query. */
  readonly url: string;
  /** Resolves with the next frame the client sent (parsed JSON). */
  next(): Promise<Record<string, unknown>>;
  /** Resolves with the next frame of type `t`, skipping others (pings). */
  nextOf(t: string): Promise<Record<string, unknown>>;
  /** Sends a frame to the client. */
  send(frame: object): void;
  /** Closes with `code`. */
  close(code: number): void;
  /** Resolves when the client closed the socket. */
  closed: Promise<number>;
}

/** A `ws` server on 127.0.0.1 port 0 that a test drives frame by frame (stands in for the relay). */
export interface ScriptedPeer {
  /** `ws://127.0.0.1:PORT/v1/visitor?site=acme`. */
  readonly url: string;
  /** Resolves with the next socket that connects. */
  accept(): Promise<PeerSocket>;
  /** Number of sockets accepted so far. */
  readonly count: number;
  /** Closes every socket and the server. */
  stop(): Promise<void>;
}

// The dom project resolves packages with browser conditions, where `ws` is a stub: load the
// Node build directly.
const ws = createRequire(import.meta.url)('ws') as typeof import('ws');
const { WebSocketServer } = ws;
const WebSocket = ws.WebSocket;

/** The `ws` package's client class (stands in for the browser's `WebSocket`). */
export const NodeWebSocket = ws.WebSocket;

/** Starts a scripted peer. */
export async function startPeer(): Promise<ScriptedPeer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const waiting: ((s: PeerSocket) => void)[] = [];
  const ready: PeerSocket[] = [];
  let count = 0;
  server.on('connection', (ws, req) => {
    count++;
    const inbox: Record<string, unknown>[] = [];
    const readers: ((f: Record<string, unknown>) => void)[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const reader = readers.shift();
      if (reader) reader(frame);
      else inbox.push(frame);
    });
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const frame = inbox.shift();
        if (frame) resolve(frame);
        else readers.push(resolve);
      });
    const socket: PeerSocket = {
      url: req.url ?? '',
      next,
      async nextOf(t) {
        for (;;) {
          const frame = await next();
          if (frame.t === t) return frame;
        }
      },
      send: (frame) => ws.send(JSON.stringify(frame)),
      close: (code) => ws.close(code),
      closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))),
    };
    const taker = waiting.shift();
    if (taker) taker(socket);
    else ready.push(socket);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/visitor?site=acme`,
    get count() {
      return count;
    },
    accept: () =>
      new Promise((resolve) => {
        const socket = ready.shift();
        if (socket) resolve(socket);
        else waiting.push(resolve);
      }),
    async stop() {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Opens sockets with the `ws` package (Node 20 has no global WebSocket). */
export const nodeSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;

/** A welcome frame as the relay sends it. */
export function welcome(over: Record<string, unknown> = {}) {
  return {
    t: 'welcome',
    session: 'sess1',
    token: 'tok1',
    resumed: false,
    truncated: false,
    operators: [{ name: 'Ada' }],
    online: true,
    agent: null,
    widget: { name: 'Acme' },
    ...over,
  };
}

/** A relay `msg` frame. */
export function relayMsg(seq: number, text: string, from = 'operator', id = `m${seq}`) {
  return { t: 'msg', seq, id, from, name: from === 'operator' ? 'Ada' : undefined, text, at: 1e12 };
}
