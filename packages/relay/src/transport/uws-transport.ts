import type { HttpResponse, HttpRequest as UwsRequest, WebSocket } from 'uWebSockets.js';
import { normalizeIp } from '../ip-address.js';
import { type Flushable, FRAME_HEADER_BYTES, scheduleFlush } from './flush-scheduler.js';
import { safeReply, statusLine, textReply } from './http-text.js';
import type { UwsModule } from './load-uws.js';
import { addressInUse, isPortInUse } from './port-in-use.js';
import type {
  Conn,
  HttpReply,
  HttpRequest,
  SendResult,
  Transport,
  TransportHandlers,
  TransportOptions,
} from './transport.js';

// uWebSockets.js rules (STYLE.md): copy everything out of `req` at once, `onAborted` on every
// response, `cork` writes made after an await, never touch a socket after `close`, honour
// `send()`'s result and `drain`.

interface Slot<D> {
  data: D;
  conn: UwsConn<D> | null;
}

/** Frames `queue`d on one socket for the end of this turn, with their bytes (headers included). */
interface FrameQueue {
  texts: string[];
  bytes: number;
}

class UwsConn<D> implements Conn<D>, Flushable {
  closed = false;
  /** One field (not texts + bytes): it is on every connection and most never queue. */
  private queued: FrameQueue | null = null;
  constructor(
    private readonly ws: WebSocket<Slot<D>>,
    readonly data: D,
    private readonly maxBackpressure: number,
  ) {}
  send(text: string): SendResult {
    if (this.closed) return 'dropped';
    if (this.queued) this.flush();
    const r = this.ws.send(text, false, false);
    return r === 1 ? 'ok' : r === 0 ? 'backpressure' : 'dropped';
  }
  queue(text: string): SendResult {
    if (this.closed) return 'dropped';
    const q = this.queued;
    if (this.ws.getBufferedAmount() + (q ? q.bytes : 0) > this.maxBackpressure) return 'dropped';
    // Counted with the largest header so that no queued frame is over the limit when written.
    const bytes = Buffer.byteLength(text) + FRAME_HEADER_BYTES;
    if (q) {
      q.texts.push(text);
      q.bytes += bytes;
    } else {
      this.queued = { texts: [text], bytes };
      scheduleFlush(this);
    }
    return 'ok';
  }
  flush(): void {
    const q = this.queued;
    if (!q) return;
    this.queued = null;
    if (this.closed) return;
    // Inside a callback of another socket uWS cannot cork this one; the frames still go out.
    this.ws.cork(() => {
      for (const text of q.texts) this.ws.send(text, false, false);
    });
  }
  bufferedAmount(): number {
    if (this.closed) return 0;
    return this.ws.getBufferedAmount() + (this.queued ? this.queued.bytes : 0);
  }
  close(code: number, reason = ''): void {
    if (this.closed) return;
    if (this.queued) this.flush();
    this.closed = true;
    this.ws.end(code, reason);
  }
  /** Drops the TCP connection without a close frame (shutdown of what is left). */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = null;
    this.ws.close();
  }
}

/**
 * uWS closes a connection whose request head is not complete after HTTP_IDLE_TIMEOUT_S (10 s,
 * compiled in; trickled bytes do not reset it), so `options.headersTimeoutMs` cannot apply.
 */
export const UWS_HEADERS_TIMEOUT_MS = 10_000;

/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT listen option (no SO_REUSEPORT), in uWS since v20.x. */
const EXCLUSIVE_PORT = 1;

/** How far past `maxPayloadLength` uWS buffers a frame so that we can answer it with 1009. */
export const HARD_CAP_FACTOR = 4;

/** uWS wants an idle timeout of 0 or 8…960 seconds; it checks at a 4-second granularity. */
function idleSeconds(sec: number): number {
  if (sec <= 0) return 0;
  return Math.min(960, Math.max(8, Math.round(sec / 4) * 4));
}

/** Largest request head uWS requests may have, as node:http's default (SECURITY.md B13). */
export const MAX_HEADER_BYTES = 16 * 1024;

function copyRequest(res: HttpResponse, req: UwsRequest): HttpRequest & { headerBytes: number } {
  const headers: Record<string, string> = {};
  let headerBytes = 0;
  req.forEach((key, value) => {
    headerBytes += key.length + value.length + 4;
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  });
  return {
    method: req.getMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    remote: normalizeIp(Buffer.from(res.getRemoteAddressAsText()).toString()),
    headerBytes,
  };
}

const HEADERS_TOO_LARGE = textReply(431, 'request header fields too large', {
  connection: 'close',
});

function writeReply(res: HttpResponse, reply: HttpReply): void {
  res.writeStatus(statusLine(reply.status));
  let close = false;
  for (const [key, value] of Object.entries(reply.headers ?? {})) {
    // uWS writes Connection itself: `end(body, true)` is how a reply closes the connection.
    if (key.toLowerCase() === 'connection') close = value.toLowerCase() === 'close';
    else res.writeHeader(key, value);
  }
  res.end(reply.body ?? '', close);
}

/** Builds the uWebSockets.js transport (plain App, or SSLApp when `tls` is set). */
export function createUwsTransport<D>(
  uws: UwsModule,
  handlers: TransportHandlers<D>,
  options: TransportOptions,
): Transport<D> {
  const app = options.tls
    ? uws.SSLApp({ cert_file_name: options.tls.cert, key_file_name: options.tls.key })
    : uws.App();
  const open = new Set<UwsConn<D>>();
  let listenSocket: unknown = null;
  const guard = (run: () => void) => {
    try {
      run();
    } catch (error) {
      options.onError?.(error);
    }
  };

  app.ws<Slot<D>>('/*', {
    compression: uws.DISABLED,
    // uWS cuts an over-limit frame without a close frame (the client sees 1006). It buffers up
    // to this hard cap instead, and we close with 1009 ourselves (SECURITY.md B9); only frames
    // beyond the cap are still cut.
    maxPayloadLength: options.maxPayloadLength * HARD_CAP_FACTOR,
    idleTimeout: idleSeconds(options.idleTimeoutSec),
    maxBackpressure: options.maxBackpressure,
    closeOnBackpressureLimit: 0,
    sendPingsAutomatically: true,
    upgrade(res, req, context) {
      const request = copyRequest(res, req);
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      let decision: ReturnType<TransportHandlers<D>['upgrade']>;
      try {
        decision =
          request.headerBytes > MAX_HEADER_BYTES
            ? { accept: false, reply: HEADERS_TOO_LARGE }
            : handlers.upgrade(request);
      } catch {
        decision = { accept: false, reply: textReply(500, 'internal error') };
      }
      if (aborted) return;
      if (!decision.accept) {
        writeReply(res, decision.reply);
        return;
      }
      // Extensions are passed through, but compression is DISABLED: uWS negotiates none (B10).
      res.upgrade({ data: decision.data, conn: null }, key, protocol, extensions, context);
    },
    open(ws) {
      const slot = ws.getUserData();
      const conn = new UwsConn(ws, slot.data, options.maxBackpressure);
      slot.conn = conn;
      open.add(conn);
      guard(() => handlers.open(conn));
    },
    message(ws, message, isBinary) {
      const conn = ws.getUserData().conn;
      if (!conn || conn.closed) return;
      if (message.byteLength > options.maxPayloadLength) {
        conn.close(1009, 'frame too large');
        return;
      }
      // The hot path: no closure per message.
      try {
        handlers.message(conn, message, isBinary);
      } catch (error) {
        options.onError?.(error);
      }
    },
    drain(ws) {
      const conn = ws.getUserData().conn;
      if (conn && !conn.closed) guard(() => handlers.drain(conn));
    },
    close(ws, code) {
      const slot = ws.getUserData();
      const conn = slot.conn;
      if (!conn) return;
      conn.closed = true;
      slot.conn = null;
      open.delete(conn);
      guard(() => handlers.close(conn, code));
    },
  });

  app.any('/*', (res, req) => {
    const request = copyRequest(res, req);
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const respond = (reply: HttpReply) => {
      if (aborted) return;
      aborted = true; // answered: never touch `res` again
      res.cork(() => writeReply(res, reply));
    };
    if (request.headerBytes > MAX_HEADER_BYTES) {
      respond(HEADERS_TOO_LARGE);
      return;
    }
    const run = (body: Uint8Array | null) => {
      void safeReply(() => handlers.http(request, body)).then(respond);
    };
    if (request.method !== 'post' && request.method !== 'put') {
      run(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    res.onData((chunk, isLast) => {
      if (refused || aborted) return;
      size += chunk.byteLength;
      if (size > options.maxBodyBytes) {
        refused = true;
        respond(textReply(413, 'request body too large'));
        return;
      }
      // The chunk is neutered after this callback: copy it.
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) run(new Uint8Array(Buffer.concat(chunks)));
    });
  });

  return {
    name: 'uws',
    headersTimeoutMs: UWS_HEADERS_TIMEOUT_MS,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        // uWS sets SO_REUSEPORT by default: a second relay on a busy port would "listen" and
        // the kernel would split the clients between the two (issue #12 item 3). The
        // exclusive flag makes the bind fail instead, as node:http's does.
        const listen = app.listen as unknown as (
          host: string,
          port: number,
          options: number,
          cb: (socket: unknown) => void,
        ) => void;
        listen.call(app, host, port, EXCLUSIVE_PORT, (socket) => {
          if (socket) {
            listenSocket = socket;
            resolve(uws.us_socket_local_port(socket as never));
            return;
          }
          void isPortInUse(host, port).then((inUse) =>
            reject(
              inUse
                ? addressInUse(host, port)
                : new Error(`uWS could not listen on ${host}:${port}`),
            ),
          );
        });
      });
    },
    stopListening() {
      if (listenSocket) uws.us_listen_socket_close(listenSocket as never);
      listenSocket = null;
    },
    connections: () => open,
    async close() {
      this.stopListening();
      for (const conn of [...open]) conn.terminate();
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}
