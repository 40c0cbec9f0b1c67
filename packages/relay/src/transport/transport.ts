// The small surface the relay needs from a WebSocket + HTTP server. Two implementations
// (uWebSockets.js and ws on node:http) run the same contract suite (transport.contract.ts).

/** Which implementation carries the sockets. */
export type TransportName = 'uws' | 'ws';

/** An HTTP request (or upgrade request), copied out of the server's request object at once. */
export interface HttpRequest {
  /** Lower-case method: 'get', 'post', 'options', … */
  method: string;
  /** Path without the query string, e.g. '/v1/visitor'. */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Peer address as text (no proxy headers applied). */
  remote: string;
}

/** A complete HTTP reply. */
export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** What an upgrade handler decides: accept with per-connection data, or refuse with a reply. */
export type UpgradeDecision<D> = { accept: true; data: D } | { accept: false; reply: HttpReply };

/** Outcome of `Conn.send`: written, buffered (wait for drain), or refused (over maxBackpressure). */
export type SendResult = 'ok' | 'backpressure' | 'dropped';

/** One open WebSocket. Valid from `open` to `close`; using it after close is a no-op. */
export interface Conn<D> {
  /** Per-connection state chosen at upgrade (STYLE.md: typed user data, not closures). */
  readonly data: D;
  /** Sends one text frame (after any frames `queue`d on this socket: order is kept). */
  send(text: string): SendResult;
  /**
   * Sends one text frame at the end of this event-loop turn, in one corked write with every
   * other frame queued on this socket in the turn (a syscall per socket per turn instead of
   * one per frame). Each frame stays a frame of its own. 'dropped' when closed or when the
   * buffer plus the queue already exceeds `maxBackpressure` (the queue's bound); `send` and
   * `close` write the queue first, `terminate` discards it.
   */
  queue(text: string): SendResult;
  /** Bytes waiting in the send buffer, queued frames included. */
  bufferedAmount(): number;
  /** Closes with a code and a short reason (a close frame is sent). */
  close(code: number, reason?: string): void;
  /** Drops the connection without a close frame (a reader too slow to take one). */
  terminate(): void;
  /** True once closed (by either side). */
  readonly closed: boolean;
}

/** Callbacks the relay gives a transport. None of them may throw (the transport guards anyway). */
export interface TransportHandlers<D> {
  /** Plain HTTP request; `body` is set for POST/PUT (at most `maxBodyBytes`). */
  http(req: HttpRequest, body: Uint8Array | null): HttpReply | Promise<HttpReply>;
  /** WebSocket upgrade: decide synchronously before the handshake completes. */
  upgrade(req: HttpRequest): UpgradeDecision<D>;
  open(conn: Conn<D>): void;
  message(conn: Conn<D>, data: ArrayBuffer, isBinary: boolean): void;
  /** The send buffer has drained below the backpressure limit. */
  drain(conn: Conn<D>): void;
  /** Closed by either side, with the code seen (1006 when there was no close frame). */
  close(conn: Conn<D>, code: number): void;
}

/** Options every transport honours. */
export interface TransportOptions {
  /** Largest inbound frame; larger ones close the socket with 1009. */
  maxPayloadLength: number;
  /** Seconds without traffic before a socket is dropped; pings keep live sockets alive. */
  idleTimeoutSec: number;
  /** Bytes a socket may buffer before `send` returns 'dropped'. */
  maxBackpressure: number;
  /** Largest HTTP request body; larger ones get 413. */
  maxBodyBytes: number;
  /**
   * Milliseconds a client gets to send a complete request head (slowloris, SECURITY.md B15);
   * default 10 000. `ws` honours it; uWS's is fixed at 10 s in its binary (`headersTimeoutMs`
   * of the transport tells which applies).
   */
  headersTimeoutMs?: number;
  /** TLS certificate and key files; the transport serves https/wss when set. */
  tls?: { cert: string; key: string };
  /** Called when a handler threw (handlers should not; the server loop survives either way). */
  onError?: (error: unknown) => void;
}

/** A running (or ready to run) server. */
export interface Transport<D> {
  readonly name: TransportName;
  /** The request-head timeout in force, in milliseconds. */
  readonly headersTimeoutMs: number;
  /** Starts listening; resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting new connections; open sockets stay. */
  stopListening(): void;
  /** Open WebSocket connections. */
  connections(): Iterable<Conn<D>>;
  /** Stops listening and force-closes everything still open. */
  close(): Promise<void>;
}

/** Builds a transport around handlers. */
export type TransportFactory = <D>(
  handlers: TransportHandlers<D>,
  options: TransportOptions,
) => Transport<D>;
