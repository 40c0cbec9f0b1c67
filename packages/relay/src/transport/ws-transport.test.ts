import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textReply } from './http-text.js';
import {
  EDGE_OPTIONS,
  rawWebSocket,
  recordingHandlers,
  UNMASKED_HI,
  until,
} from './test-edge-handlers.js';
import { transportContract } from './test-transport-contract.js';
import type { Conn } from './transport.js';
import { createWsTransport } from './ws-transport.js';

transportContract('ws', createWsTransport);

// uWS does the same natively (sendPingsAutomatically), at a granularity of seconds too coarse
// for a test; our own heartbeat on `ws` is checked here.
describe('ws transport heartbeat', () => {
  it('B15: drops a silent socket that answers no ping, and keeps a live one', async () => {
    const closes: number[] = [];
    const opened: Conn<null>[] = [];
    const transport = createWsTransport<null>(
      {
        http: () => textReply(200, 'ok'),
        upgrade: () => ({ accept: true, data: null }),
        open: (conn) => opened.push(conn),
        message: () => {},
        drain: () => {},
        close: (_conn, code) => closes.push(code),
      },
      { maxPayloadLength: 1024, idleTimeoutSec: 0.1, maxBackpressure: 1024, maxBodyBytes: 1024 },
    );
    const port = await transport.listen('127.0.0.1', 0);
    const live = new WebSocket(`ws://127.0.0.1:${port}/`);
    await once(live, 'open');
    const silent = connect(port, '127.0.0.1');
    silent.on('error', () => {});
    await once(silent, 'connect');
    silent.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    silent.resume();
    await once(silent, 'close');
    for (let i = 0; i < 100 && closes.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(closes).toEqual([1006]);
    expect(live.readyState).toBe(WebSocket.OPEN);
    live.terminate();
    await transport.close();
  });
});

// The same edges as in uws-transport.test.ts, where ws does what RFC 6455 asks (issue #12 item 8d).
describe('ws transport: protocol edges', () => {
  it('12.8d: closes 1009 on a frame over the limit, however large', async () => {
    const { handlers, messages } = recordingHandlers();
    const transport = createWsTransport(handlers, EDGE_OPTIONS);
    const port = await transport.listen('127.0.0.1', 0);
    for (const bytes of [EDGE_OPTIONS.maxPayloadLength + 1, EDGE_OPTIONS.maxPayloadLength * 64]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('error', () => {});
      await once(ws, 'open');
      ws.send('x'.repeat(bytes));
      const [code] = await once(ws, 'close');
      expect(code).toBe(1009);
    }
    expect(messages).toEqual([]);
    await transport.close();
  });

  it('12.8d: fails an unmasked frame at once with a 1002 close frame', async () => {
    const { handlers, messages, closes } = recordingHandlers();
    const transport = createWsTransport(handlers, EDGE_OPTIONS);
    const port = await transport.listen('127.0.0.1', 0);
    const { socket, received } = await rawWebSocket(port);
    socket.write(UNMASKED_HI);
    await once(socket, 'close');
    const bytes = Buffer.concat(received);
    // A close frame (0x88) whose payload starts with code 1002 (protocol error).
    expect(bytes[0]).toBe(0x88);
    expect(bytes.readUInt16BE(2)).toBe(1002);
    expect(await until(() => closes.length === 1)).toBe(true);
    expect(messages).toEqual([]);
    await transport.close();
  });
});
