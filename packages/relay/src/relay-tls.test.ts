import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeSelfSignedCertificate } from '../../../test-support/tls.js';
import { hello, ORIGIN, startTestRelay, TRANSPORTS } from './test-relay.js';

// Privacy promise 6: the relay terminates TLS itself when given a cert and key.
describe.each(TRANSPORTS)('relay TLS (%s)', (transport) => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conduit-tls-'));
    writeSelfSignedCertificate(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  it('serves https and wss with the configured certificate', async () => {
    const { relay } = await startTestRelay(transport, {
      tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
    });
    try {
      expect(relay.url).toBe(`https://127.0.0.1:${relay.port}`);
      const health = await new Promise<string>((resolve, reject) => {
        request(`${relay.url}/healthz`, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(health)).toMatchObject({ status: 'ok', transport });
      const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/v1/visitor?site=acme`, {
        origin: ORIGIN,
        rejectUnauthorized: false,
      });
      const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify(hello())));
        ws.on('message', (data) => resolve(JSON.parse(String(data))));
        ws.on('error', reject);
      });
      expect(welcome.t).toBe('welcome');
      ws.terminate();
    } finally {
      await relay.close();
    }
  });
});
