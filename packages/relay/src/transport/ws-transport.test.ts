import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textReply } from './http-text.js';
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
