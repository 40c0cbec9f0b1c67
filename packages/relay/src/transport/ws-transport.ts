import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { normalizeIp } from '../ip-address.js';
import { type Flushable, FRAME_HEADER_BYTES, scheduleFlush } from './flush-scheduler.js';
import { safeReply, statusLine, textReply } from './http-text.js';
import type {
  Conn,
  HttpReply,
  HttpRequest,
  SendResult,
  Transport,
  TransportHandlers,
  TransportOptions,
} from './transport.js';

// The fallback transport: `ws` on node:http. Same contract as the uWS one; heartbeats are ours
// (ws has no idle timeout), and `drain` is derived from send callbacks.

/** Milliseconds a client gets to finish its request head by default (SECURITY.md B15). */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * How often node:http looks for connections past `headersTimeout`. Its default is 30 s, so a
 * slow client kept its socket for up to 30 s although the timeout said 10 (issue #12 item 8);
 * a quarter of the timeout, at most 1 s, closes it within 10 % of the limit at 10 s.
 */
function checkingIntervalMs(timeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4)));
}

class WsConn<D> implements Conn<D>, Flushable {
  closed = false;
  alive = true;
  private waitingForDrain = false;
  /** Frames for the end of this turn (`queue`); null when none. */
  private queued: string[] | null = null;
  private queuedBytes = 0;
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly data: D,
    private readonly maxBackpressure: number,
    private readonly onDrain: (conn: WsConn<D>) => void,
  ) {}
  send(text: string): SendResult {
    if (this.closed) return 'dropped';
    if (this.queued) this.flush();
    return this.write(text);
  }
  private write(text: string): SendResult {
    if (this.ws.bufferedAmount > this.maxBackpressure) {
      this.waitingForDrain = true;
      return 'dropped';
    }
    this.ws.send(text, () => this.written());
    if (this.ws.bufferedAmount > 0) {
      this.waitingForDrain = true;
      return 'backpressure';
    }
    return 'ok';
  }
  queue(text: string): SendResult {
    if (this.closed) return 'dropped';
    if (this.ws.bufferedAmount + this.queuedBytes > this.maxBackpressure) {
      this.waitingForDrain = true;
      return 'dropped';
    }
    // Counted with the largest header so that no queued frame is over the limit when written.
    this.queuedBytes += Buffer.byteLength(text) + FRAME_HEADER_BYTES;
    if (this.queued) this.queued.push(text);
    else {
      this.queued = [text];
      scheduleFlush(this);
    }
    return 'ok';
  }
  flush(): void {
    const texts = this.queued;
    if (!texts) return;
    this.queued = null;
    this.queuedBytes = 0;
    if (this.closed) return;
    // ws writes each frame at once; corking the socket makes the turn's frames one writev.
    this.socket.cork();
    try {
      for (const text of texts) this.write(text);
    } finally {
      this.socket.uncork();
    }
  }
  private written(): void {
    if (this.waitingForDrain && !this.closed && this.ws.bufferedAmount === 0) {
      this.waitingForDrain = false;
      this.onDrain(this);
    }
  }
  bufferedAmount(): number {
    return this.closed ? 0 : this.ws.bufferedAmount + this.queuedBytes;
  }
  close(code: number, reason = ''): void {
    if (this.closed) return;
    if (this.queued) this.flush();
    this.closed = true;
    this.ws.close(code, reason);
    // A peer that never answers the close frame must not hold the socket open.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
  terminate(): void {
    this.closed = true;
    this.queued = null;
    this.ws.terminate();
  }
  ping(): void {
    if (!this.closed) this.ws.ping();
  }
}

function copyRequest(req: IncomingMessage): HttpRequest {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: (req.method ?? 'GET').toLowerCase(),
    path: q === -1 ? raw : raw.slice(0, q),
    query: q === -1 ? '' : raw.slice(q + 1),
    headers,
    remote: normalizeIp(req.socket.remoteAddress ?? ''),
  };
}

function refuseUpgrade(socket: Duplex, reply: HttpReply): void {
  const body = Buffer.from(reply.body ?? '');
  const head = [`HTTP/1.1 ${statusLine(reply.status)}`, 'Connection: close'];
  for (const [key, value] of Object.entries(reply.headers ?? {})) head.push(`${key}: ${value}`);
  head.push(`Content-Length: ${body.byteLength}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
}

/** Builds the `ws` transport on node:http (or node:https when `tls` is set). */
export function createWsTransport<D>(
  handlers: TransportHandlers<D>,
  options: TransportOptions,
): Transport<D> {
  const guard = (run: () => void) => {
    try {
      run();
    } catch (error) {
      options.onError?.(error);
    }
  };
  const headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const timeouts = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: headersTimeoutMs,
    connectionsCheckingInterval: checkingIntervalMs(headersTimeoutMs),
  };
  const server: Server = options.tls
    ? createTlsServer({
        ...timeouts,
        cert: readFileSync(options.tls.cert),
        key: readFileSync(options.tls.key),
      })
    : createServer(timeouts);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadLength,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const open = new Set<WsConn<D>>();
  const onDrain = (conn: WsConn<D>) => guard(() => handlers.drain(conn));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const request = copyRequest(req);
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const respond = (reply: HttpReply) => {
      if (closed || res.headersSent) return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    };
    if (request.method !== 'post' && request.method !== 'put') {
      req.resume();
      void safeReply(() => handlers.http(request, null)).then(respond);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > options.maxBodyBytes) {
        refused = true;
        res.setHeader('connection', 'close');
        respond(textReply(413, 'request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = new Uint8Array(Buffer.concat(chunks));
      void safeReply(() => handlers.http(request, body)).then(respond);
    });
    req.on('error', () => {});
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const request = copyRequest(req);
    let decision: ReturnType<TransportHandlers<D>['upgrade']>;
    try {
      decision = handlers.upgrade(request);
    } catch (error) {
      options.onError?.(error);
      decision = { accept: false, reply: textReply(500, 'internal error') };
    }
    if (!decision.accept) {
      refuseUpgrade(socket, decision.reply);
      return;
    }
    const data = decision.data;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WsConn(ws, socket, data, options.maxBackpressure, onDrain);
      open.add(conn);
      ws.on('error', () => {});
      ws.on('pong', () => {
        conn.alive = true;
      });
      ws.on('message', (message, isBinary) => {
        conn.alive = true;
        if (conn.closed) return;
        const buf = Array.isArray(message)
          ? Buffer.concat(message)
          : Buffer.from(message as Buffer);
        const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
        guard(() => handlers.message(conn, ab, isBinary));
      });
      ws.on('close', (code) => {
        conn.closed = true;
        if (!open.delete(conn)) return;
        guard(() => handlers.close(conn, code));
      });
      guard(() => handlers.open(conn));
    });
  });

  // Heartbeat: a socket that did not answer the previous ping is dropped.
  const idleMs = options.idleTimeoutSec * 1000;
  const heartbeat =
    idleMs > 0
      ? setInterval(() => {
          for (const conn of open) {
            if (!conn.alive) conn.terminate();
            else {
              conn.alive = false;
              conn.ping();
            }
          }
        }, idleMs / 2)
      : null;
  heartbeat?.unref();

  return {
    name: 'ws',
    headersTimeoutMs,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    stopListening() {
      if (server.listening) server.close();
    },
    connections: () => open,
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      const closed = server.listening
        ? new Promise<void>((resolve) => server.close(() => resolve()))
        : Promise.resolve();
      for (const conn of [...open]) conn.terminate();
      server.closeAllConnections();
      await closed;
    },
  };
}
