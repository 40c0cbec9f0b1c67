import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadUws } from './load-uws.js';
import {
  EDGE_OPTIONS,
  rawWebSocket,
  recordingHandlers,
  UNMASKED_HI,
  until,
} from './test-edge-handlers.js';
import { transportContract } from './test-transport-contract.js';
import type { Transport } from './transport.js';
import { createUwsTransport, HARD_CAP_FACTOR } from './uws-transport.js';

const loaded = loadUws();
if (!loaded.ok) throw new Error(`native uWebSockets.js did not load: ${loaded.reason}`);
const uws = loaded.uws;

transportContract('uws', (handlers, options) => createUwsTransport(uws, handlers, options));

// Where uWS cannot do what the ws transport does (issue #12 item 8d). Its frame parser is in
// C++: it force-closes a frame over its maxPayloadLength (no close frame) and never looks at
// the mask bit of a client frame. These tests pin what a client sees; the README says the same.
describe('uws transport: protocol edges it cannot fail properly', () => {
  let transport: Transport<null> | null = null;
  afterEach(async () => {
    await transport?.close();
    transport = null;
  });

  async function start() {
    const recorded = recordingHandlers();
    transport = createUwsTransport(uws, recorded.handlers, EDGE_OPTIONS);
    const port = await transport.listen('127.0.0.1', 0);
    return { port, ...recorded };
  }

  it('12.8d: closes 1009 up to 4× the frame limit and cuts the TCP connection (1006) past it', async () => {
    const { port, messages } = await start();
    const closeCode = async (bytes: number) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('error', () => {});
      await once(ws, 'open');
      ws.send('x'.repeat(bytes));
      const [code] = await once(ws, 'close');
      return code as number;
    };
    const hardCap = EDGE_OPTIONS.maxPayloadLength * HARD_CAP_FACTOR;
    expect(await closeCode(EDGE_OPTIONS.maxPayloadLength + 1)).toBe(1009);
    expect(await closeCode(hardCap)).toBe(1009);
    expect(await closeCode(hardCap + 1)).toBe(1006);
    expect(messages).toEqual([]);
  });

  it('12.8d: does not fail an unmasked frame: it takes the next 4 bytes as the mask', async () => {
    const { port, messages, closes } = await start();
    const { socket, received } = await rawWebSocket(port);
    socket.write(UNMASKED_HI);
    // uWS waits for the 4 "mask" bytes a masked frame would have; with them the frame is read.
    socket.write(Buffer.from([0, 0, 0, 0]));
    expect(await until(() => messages.length === 1)).toBe(true);
    expect(messages).toEqual(['hi']);
    expect(closes).toEqual([]);
    expect(Buffer.concat(received).includes(Buffer.from([0x88]))).toBe(false);
    socket.destroy();
  });
});
