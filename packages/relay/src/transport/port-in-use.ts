import { createServer } from 'node:net';

// uWS reports a failed listen as `false`, without a reason. A probe bind with node:net (which
// never shares a port) tells "somebody listens there" (EADDRINUSE) apart from other failures,
// so that both transports reject a busy port with the same error.

/** An error whose `code` is 'EADDRINUSE', as node:net rejects a busy port. */
export function addressInUse(host: string, port: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`address in use: ${host}:${port}`);
  error.code = 'EADDRINUSE';
  return error;
}

/** True when binding `host:port` exclusively fails with EADDRINUSE right now. */
export function isPortInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}
