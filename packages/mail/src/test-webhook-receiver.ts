// A real `node:http` webhook receiver on 127.0.0.1:0 for tests (excluded from the build by the
// `test-*` pattern): records each request's headers and raw body, answers as told.
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** What the receiver answers the request numbered `index` (from 0): a status, or silence. */
export type WebhookReply = number | { status: number; headers?: Record<string, string> } | 'hang';

/** One request as it arrived. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A running receiver. */
export interface TestWebhookReceiver {
  /** `http(s)://127.0.0.1:<port>/hook`. */
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Resolves once `count` requests arrived (bounded: rejects after 8 s). */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver; `reply` defaults to 200 for every request; `tls` makes it `https:`. */
export async function startWebhookReceiver(
  reply: (index: number) => WebhookReply = () => 200,
  tls?: { key: string; cert: string },
): Promise<TestWebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.length;
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = reply(index);
      if (answer === 'hang') return;
      const { status, headers } = typeof answer === 'number' ? { status: answer } : answer;
      res.writeHead(status, headers).end('{"ok":true}');
    });
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/hook`,
    port,
    received,
    async waitFor(count) {
      const started = Date.now();
      while (received.length < count) {
        if (Date.now() - started > 8000) throw new Error(`waited for ${count} webhooks`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
