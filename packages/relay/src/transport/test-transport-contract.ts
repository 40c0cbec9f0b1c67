import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textReply } from './http-text.js';
import type { Conn, Transport, TransportHandlers, TransportOptions } from './transport.js';

// One contract every transport passes (model: hono's router `common.case.test.ts`).
// Each implementation's test file calls `transportContract` with its factory.

type Data = { id: number; path: string };
type Factory = (handlers: TransportHandlers<Data>, options: TransportOptions) => Transport<Data>;

const OPTIONS: TransportOptions = {
  maxPayloadLength: 1024,
  idleTimeoutSec: 0,
  maxBackpressure: 64 * 1024,
  maxBodyBytes: 256,
};

interface Events {
  opened: Conn<Data>[];
  messages: string[];
  closes: number[];
  drains: number;
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the transport contract against `factory`. */
export function transportContract(name: string, factory: Factory): void {
  describe(`transport contract: ${name}`, () => {
    let transport: Transport<Data> | null = null;
    const clients: Array<WebSocket | Socket> = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) {
        if (c instanceof WebSocket) {
          if (c.readyState !== WebSocket.CONNECTING) c.terminate();
        } else c.destroy();
      }
      await transport?.close();
      transport = null;
    });

    async function start(overrides: Partial<TransportHandlers<Data>> = {}, options = OPTIONS) {
      const events: Events = { opened: [], messages: [], closes: [], drains: 0 };
      let nextId = 1;
      const handlers: TransportHandlers<Data> = {
        http: (req, body) =>
          textReply(200, JSON.stringify({ ...req, body: body && Buffer.from(body).toString() })),
        upgrade: (req) =>
          req.path === '/refuse'
            ? { accept: false, reply: textReply(403, 'origin not allowed') }
            : { accept: true, data: { id: nextId++, path: req.path } },
        open: (conn) => events.opened.push(conn),
        message: (conn, data) => {
          const text = Buffer.from(data).toString();
          events.messages.push(text);
          if (text === 'echo') conn.send(`echo:${conn.data.id}:${conn.data.path}`);
          if (text.startsWith('close:')) conn.close(Number(text.slice(6)), 'bye');
          if (text === 'terminate') conn.terminate();
          if (text === 'batch') {
            // Queued frames follow the turn; `send` writes them first; each stays a frame.
            const before = conn.bufferedAmount();
            conn.queue('q1');
            conn.queue('q2');
            events.messages.push(`queued:${conn.bufferedAmount() > before}`);
            conn.send('s3');
            conn.queue('q4');
            conn.queue('q5');
          }
          if (text === 'queue-close') {
            conn.queue('last');
            conn.close(4000, 'bye');
            events.messages.push(`after-close:${conn.queue('late')}`);
          }
        },
        drain: () => {
          events.drains++;
        },
        close: (_conn, code) => events.closes.push(code),
        ...overrides,
      };
      transport = factory(handlers, options);
      const port = await transport.listen('127.0.0.1', 0);
      return { port, events, base: `127.0.0.1:${port}` };
    }

    function client(url: string, options: WebSocket.ClientOptions = {}) {
      const ws = new WebSocket(url, options);
      ws.on('error', () => {});
      clients.push(ws);
      return ws;
    }

    async function until(check: () => boolean) {
      for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(check()).toBe(true);
    }

    it('answers HTTP with status, headers and body, with the request copied', async () => {
      const { base } = await start();
      const res = await fetch(`http://${base}/healthz?x=1`, { headers: { 'X-Test': 'a' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const seen = await res.json();
      expect(seen).toMatchObject({ method: 'get', path: '/healthz', query: 'x=1', body: null });
      expect(seen.headers['x-test']).toBe('a');
      expect(seen.remote).toBe('127.0.0.1');
    });

    it('hands a POST body to the handler and refuses one over maxBodyBytes with 413', async () => {
      const { base } = await start();
      const ok = await fetch(`http://${base}/post`, { method: 'POST', body: 'hello' });
      expect((await ok.json()).body).toBe('hello');
      const big = await fetch(`http://${base}/post`, { method: 'POST', body: 'x'.repeat(1000) });
      expect(big.status).toBe(413);
    });

    it('answers 500 when the handler throws or rejects, and keeps serving', async () => {
      const { base } = await start({
        http: (req) => {
          if (req.path === '/throw') throw new Error('boom');
          if (req.path === '/reject') return Promise.reject(new Error('boom'));
          return new Promise((r) => setTimeout(() => r(textReply(202, 'later')), 10));
        },
      });
      expect((await fetch(`http://${base}/throw`)).status).toBe(500);
      expect((await fetch(`http://${base}/reject`)).status).toBe(500);
      const later = await fetch(`http://${base}/async`);
      expect([later.status, await later.text()]).toEqual([202, 'later']);
    });

    it('refuses an upgrade with the reply the handler chose', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/refuse`);
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(res.statusCode).toBe(403);
      expect(events.opened).toHaveLength(0);
    });

    it('opens a socket with the upgrade data, echoes, and reports client closes', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/v1/visitor`);
      await once(ws, 'open');
      ws.send('echo');
      const [reply] = await once(ws, 'message');
      expect(String(reply)).toBe('echo:1:/v1/visitor');
      expect([...(transport?.connections() ?? [])]).toHaveLength(1);
      ws.close(4321);
      await until(() => events.closes.length === 1);
      expect(events.closes).toEqual([4321]);
      expect([...(transport?.connections() ?? [])]).toHaveLength(0);
    });

    it('closes with the code the server chose', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      ws.send('close:4003');
      const [code] = await once(ws, 'close');
      expect(code).toBe(4003);
      await until(() => events.closes.length === 1);
      expect(events.opened[0]?.closed).toBe(true);
      expect(events.opened[0]?.send('late')).toBe('dropped');
    });

    it('terminates without a close frame (the client sees 1006)', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      ws.send('terminate');
      const [code] = await once(ws, 'close');
      expect(code).toBe(1006);
      await until(() => events.closes.length === 1);
    });

    it('B9: closes with 1009 on a frame over maxPayloadLength', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      ws.send('x'.repeat(OPTIONS.maxPayloadLength + 1));
      const [code] = await once(ws, 'close');
      expect(code).toBe(1009);
      expect(events.messages).toHaveLength(0);
    });

    it('B10: does not negotiate permessage-deflate', async () => {
      const { base } = await start();
      const ws = client(`ws://${base}/x`, { perMessageDeflate: true });
      await once(ws, 'open');
      expect(ws.extensions).toBe('');
    });

    it('reports backpressure, drops over maxBackpressure, and drains once the reader reads', async () => {
      const { port, events } = await start(undefined, { ...OPTIONS, maxBackpressure: 256 * 1024 });
      // A raw client that completes the handshake and then stops reading.
      const socket = connect(port, '127.0.0.1');
      clients.push(socket);
      await once(socket, 'connect');
      socket.write(
        'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await once(socket, 'data');
      socket.pause();
      await until(() => events.opened.length === 1);
      const conn = events.opened[0] as Conn<Data>;
      const chunk = 'y'.repeat(16 * 1024);
      const results = new Set<string>();
      for (let i = 0; i < 2000 && !results.has('dropped'); i++) results.add(conn.send(chunk));
      expect(results.has('backpressure')).toBe(true);
      expect(results.has('dropped')).toBe(true);
      expect(conn.bufferedAmount()).toBeGreaterThan(0);
      socket.resume();
      socket.on('data', () => {});
      await until(() => events.drains > 0);
    });

    it('queues frames for the end of the turn, in order with send, each a frame of its own', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      const got: string[] = [];
      ws.on('message', (data) => got.push(String(data)));
      ws.send('batch');
      await until(() => got.length === 5);
      expect(got).toEqual(['q1', 'q2', 's3', 'q4', 'q5']);
      expect(events.messages).toEqual(['batch', 'queued:true']);
    });

    it('writes queued frames before the close frame and refuses frames after close', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      const got: string[] = [];
      ws.on('message', (data) => got.push(String(data)));
      const closed = once(ws, 'close');
      ws.send('queue-close');
      expect((await closed)[0]).toBe(4000);
      expect(got).toEqual(['last']);
      expect(events.messages).toEqual(['queue-close', 'after-close:dropped']);
    });

    it('refuses queued frames over maxBackpressure and delivers what it queued', async () => {
      const { port, events } = await start(undefined, { ...OPTIONS, maxBackpressure: 256 * 1024 });
      const socket = await rawSocket(port);
      socket.pause();
      await until(() => events.opened.length === 1);
      const conn = events.opened[0] as Conn<Data>;
      const chunk = 'z'.repeat(16 * 1024);
      let queued = 0;
      while (queued < 2000 && conn.queue(chunk) === 'ok') queued++;
      // The queue is bounded by maxBackpressure (plus the frame that crossed it).
      expect(queued).toBeGreaterThan(0);
      expect(queued).toBeLessThanOrEqual(256 / 16 + 1);
      expect(conn.bufferedAmount()).toBeGreaterThan(256 * 1024);
      let bytes = 0;
      socket.on('data', (c: Buffer) => {
        bytes += c.byteLength;
      });
      socket.resume();
      await until(() => bytes >= queued * chunk.length);
      expect(bytes).toBeGreaterThanOrEqual(queued * chunk.length);
    });

    async function rawSocket(port: number) {
      const socket = connect(port, '127.0.0.1');
      clients.push(socket);
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(
        'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await once(socket, 'data');
      return socket;
    }

    it('B11: closes on protocol violations and keeps serving', async () => {
      const { port, base, events } = await start();
      // An unmasked client frame delivers nothing: ws closes at once; uWS reads it as a masked
      // header waiting for more bytes, so the idle timeout ends that socket.
      const unmasked = await rawSocket(port);
      unmasked.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
      const violations = [
        Buffer.from([0xc1, 0x82, 0, 0, 0, 0, 0x68, 0x69]), // RSV1 without an extension
        Buffer.from([0x83, 0x82, 0, 0, 0, 0, 0x68, 0x69]), // reserved opcode 3
        Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]), // invalid UTF-8 in a text frame
        Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7]), // close code 999
      ];
      for (const bytes of violations) {
        const socket = await rawSocket(port);
        socket.write(bytes);
        socket.resume();
        await once(socket, 'close');
      }
      expect(events.messages).toEqual([]);
      expect((await fetch(`http://${base}/alive`)).status).toBe(200);
      expect(events.messages).toEqual([]);
    });

    it('12.8a: closes an upgrade whose head trickles in once the header timeout is over', async () => {
      // ws takes the configured timeout; uWS has its own 10 s (`headersTimeoutMs` says which).
      const { port, events } = await start(undefined, { ...OPTIONS, headersTimeoutMs: 300 });
      const timeout = transport?.headersTimeoutMs ?? 0;
      const head =
        'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        `X-Pad: ${'a'.repeat(300)}\r\n\r\n`;
      const socket = connect(port, '127.0.0.1');
      clients.push(socket);
      socket.on('error', () => {});
      socket.resume();
      await once(socket, 'connect');
      let closed = false;
      socket.on('close', () => {
        closed = true;
      });
      // A byte every tenth of the timeout: the whole head would take over 40 timeouts.
      let sent = 0;
      while (!closed && sent < head.length) {
        socket.write(head.slice(sent, ++sent));
        await new Promise((r) => setTimeout(r, timeout / 10));
      }
      expect(closed).toBe(true);
      expect(sent).toBeLessThan(head.length / 5);
      expect(events.opened).toHaveLength(0);
    }, 30_000);

    it('B13: refuses header abuse at upgrade quickly and keeps serving', async () => {
      const { port, base, events } = await start();
      const huge = `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
      const many = `GET /x HTTP/1.1\r\nHost: x\r\n${'X-H: 1\r\n'.repeat(5000)}\r\n`;
      for (const request of [huge, many]) {
        const socket = connect(port, '127.0.0.1');
        clients.push(socket);
        socket.on('error', () => {});
        await once(socket, 'connect');
        socket.write(request);
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        // Not `once(socket, 'close')`: it rejects on 'error', and a server that answers and
        // closes while the request is still being written makes the client see ECONNRESET
        // (node:http does so from Node 24 on).
        await new Promise((closed) => socket.once('close', closed));
        const head = Buffer.concat(chunks).toString().split('\r\n')[0] ?? '';
        expect(head === '' || /^HTTP\/1\.1 4\d\d/.test(head)).toBe(true);
      }
      expect(events.opened).toHaveLength(0);
      expect((await fetch(`http://${base}/alive`)).status).toBe(200);
    });

    it('12.3: refuses a port another server listens on with EADDRINUSE', async () => {
      const port = await freePort();
      const { events } = await start();
      await transport?.close();
      // The first server holds a fixed port (a port-0 bind is never shared, even by uWS).
      const handlers: TransportHandlers<Data> = {
        http: () => textReply(200, 'first'),
        upgrade: () => ({ accept: true, data: { id: 0, path: '' } }),
        open: (conn) => events.opened.push(conn),
        message: () => {},
        drain: () => {},
        close: () => {},
      };
      transport = factory(handlers, OPTIONS);
      expect(await transport.listen('127.0.0.1', port)).toBe(port);
      const second = factory({ ...handlers, http: () => textReply(200, 'second') }, OPTIONS);
      await expect(second.listen('127.0.0.1', port)).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      await second.close();
      // Every request still reaches the first server.
      for (let i = 0; i < 5; i++) {
        expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('first');
      }
      // A port held by another program (node:net) is refused the same way.
      const other = createServer();
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const otherPort = (other.address() as AddressInfo).port;
      const third = factory(handlers, OPTIONS);
      await expect(third.listen('127.0.0.1', otherPort)).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      await third.close();
      await new Promise((resolve) => other.close(resolve));
    });

    it('keeps open sockets after stopListening and closes them on close()', async () => {
      const { base, events } = await start();
      const ws = client(`ws://${base}/x`);
      await once(ws, 'open');
      transport?.stopListening();
      const refused = await fetch(`http://${base}/healthz`).then(
        () => false,
        () => true,
      );
      expect(refused).toBe(true);
      ws.send('echo');
      expect(String((await once(ws, 'message'))[0])).toBe('echo:1:/x');
      const closed = once(ws, 'close');
      await transport?.close();
      await closed;
      await until(() => events.closes.length === 1);
    });
  });
}
