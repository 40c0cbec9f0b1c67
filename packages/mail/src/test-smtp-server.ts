// Real SMTP peers for tests and the benchmark (excluded from the build): an smtp-server on
// 127.0.0.1 whose reply to each message a test scripts, a server that drops every connection,
// and a reserved free port for "server starts late".

import type { Socket } from 'node:net';
import net from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** How the server answers one message: 250, an error reply, closing the connection, or never. */
export type Reply = 'accept' | { code: number; message: string } | 'disconnect' | 'silence';

/** One message the server received in full, with its SMTP envelope and raw MIME. */
export interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  mail: ParsedMail;
  reply: Reply;
}

/** A running test SMTP server. */
export interface TestSmtpServer {
  port: number;
  /** `smtp://127.0.0.1:PORT` */
  url: string;
  received: Received[];
  /** Messages answered with 250. */
  accepted(): Received[];
  connections(): number;
  /** Resolves once `count` messages arrived (accepted or not); rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of `startSmtpServer`. */
export interface TestSmtpOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Reply to the n-th message (0-based); 'accept' by default. */
  reply?: (index: number) => Reply;
  /** Offer STARTTLS (default false), with smtp-server's self-signed certificate or `tls`. */
  starttls?: boolean;
  /** Certificate and key for STARTTLS or implicit TLS. */
  tls?: { key: string; cert: string };
  /** Implicit TLS from the first byte (smtps), with `tls`. */
  secure?: boolean;
  /** Skip parsing (the benchmark only counts). */
  parse?: boolean;
  /** Holds each reply this long after the message data arrived (a slow server); default 0. */
  delayMs?: number;
}

/** Starts an smtp-server on 127.0.0.1 and records what it receives. */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const sockets = new Map<number, Socket>();
  const waiters = new Set<() => void>();
  let connections = 0;
  let index = 0;
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    disabledCommands: options.starttls || options.secure ? [] : ['STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    ...(options.secure ? { secure: true } : {}),
    closeTimeout: 100,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const reply = options.reply?.(index++) ?? 'accept';
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = options.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        received.push({ envelopeFrom, envelopeTo, raw, mail, reply });
        for (const waiter of waiters) waiter();
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        if (reply === 'accept') return callback();
        if (reply === 'disconnect') return void sockets.get(session.remotePort)?.destroy();
        if (reply === 'silence') return;
        callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
      });
    },
  });
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    url: `${options.secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    accepted: () => received.filter((item) => item.reply === 'accept'),
    connections: () => connections,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} messages, got ${received.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts and at once closes every connection (F11). */
export async function startDropper(): Promise<{
  port: number;
  connections(): number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { selfSignedCertificate } from '../../../test-support/tls.js';

/** A port that was free a moment ago: nothing listens on it until a test starts a server there. */
export async function reservePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
