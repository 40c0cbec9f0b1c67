import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeSelfSignedCertificate } from '../../../test-support/tls.js';
import type { RelayError } from './errors.js';
import { hello, ORIGIN, startTestRelay, TRANSPORTS } from './test-relay.js';

// Privacy promise 6: the relay terminates TLS itself when given a cert and key.
describe.each(TRANSPORTS)('relay TLS (%s)', (transport) => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conduit-tls-'));
    writeSelfSignedCertificate(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  it('12.5: names a missing, unreadable or non-PEM TLS file before the server is built', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    writeFileSync(join(dir, 'der.key'), Buffer.from([0x30, 0x82, 0x01, 0x02]));
    const refused = async (tls: { cert: string; key: string }) => {
      try {
        const { relay } = await startTestRelay(transport, { tls });
        await relay.close();
      } catch (error) {
        return error as RelayError;
      }
      throw new Error('the relay started');
    };
    const missing = await refused({ cert: join(dir, 'missing.pem'), key });
    expect([missing.code, missing.message]).toEqual([
      'tls_invalid',
      `tls_invalid: tls.cert: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
    ]);
    const directory = await refused({ cert, key: dir });
    expect(directory.message).toBe(`tls_invalid: tls.key: cannot read ${dir} (EISDIR)`);
    const der = await refused({ cert, key: join(dir, 'der.key') });
    expect(der.message).toBe(`tls_invalid: tls.key: ${join(dir, 'der.key')} is not a PEM file`);
    // A key that is not the certificate's: refused by the server, named as the pair.
    const other = mkdtempSync(join(tmpdir(), 'conduit-tls-other-'));
    writeSelfSignedCertificate(other);
    const mismatch = await refused({ cert, key: join(other, 'key.pem') });
    rmSync(other, { recursive: true });
    expect(mismatch.code).toBe('tls_invalid');
    expect(mismatch.message).toContain(`the certificate ${cert} and key`);
  });

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
