import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { textReply } from './http-text.js';
import type { TransportHandlers, TransportOptions } from './transport.js';

// Shared by the per-transport tests that pin where uWS and ws differ (issue #12 item 8d).

/** The contract suite's frame limit. */
export const EDGE_OPTIONS: TransportOptions = {
  maxPayloadLength: 1024,
  idleTimeoutSec: 0,
  maxBackpressure: 64 * 1024,
  maxBodyBytes: 256,
};

/** Handlers that accept every upgrade and record messages and close codes. */
export function recordingHandlers() {
  const messages: string[] = [];
  const closes: number[] = [];
  const handlers: TransportHandlers<null> = {
    http: () => textReply(200, 'ok'),
    upgrade: () => ({ accept: true, data: null }),
    open: () => {},
    message: (_conn, data) => messages.push(Buffer.from(data).toString()),
    drain: () => {},
    close: (_conn, code) => closes.push(code),
  };
  return { handlers, messages, closes };
}

/** A raw TCP client past the WebSocket handshake, collecting what the server sends. */
export async function rawWebSocket(port: number): Promise<{ socket: Socket; received: Buffer[] }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(
    'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await once(socket, 'data');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  return { socket, received };
}

/** An unmasked client text frame "hi" (RFC 6455 §5.1: a server must fail it). */
export const UNMASKED_HI = Buffer.from([0x81, 0x02, 0x68, 0x69]);

/** Polls `check` for up to 2 s. */
export async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  return check();
}
