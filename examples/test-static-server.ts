import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

// A tiny static file server for the example tests: the example pages must come from another
// origin than the relay, as on a real site. 127.0.0.1, port 0; GET only; no path escapes `root`.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT`, the origin the pages are served from. */
  origin: string;
  close(): Promise<void>;
}

/** Serves `root`; `rewrite` may change an HTML file's text (e.g. point it at the test relay). */
export async function serveStatic(
  root: string,
  rewrite: (html: string) => string = (html) => html,
): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (req.method !== 'GET' || !file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[extname(file)] ?? 'application/octet-stream';
        const text = type.startsWith('text/html') ? rewrite(body.toString('utf8')) : body;
        res.writeHead(200, { 'content-type': type }).end(text);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
