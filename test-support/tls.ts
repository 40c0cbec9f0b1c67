import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away self-signed certificate for 127.0.0.1 (P-256, one day), made with openssl
 * (`.ci/run` installs it when missing). Only PEM text is returned: nothing stays on disk.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `selfSignedCertificate()` into `dir` as key.pem and cert.pem; returns both paths. */
export function writeSelfSignedCertificate(dir: string): { key: string; cert: string } {
  const pem = selfSignedCertificate();
  const paths = { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') };
  writeFileSync(paths.key, pem.key, { mode: 0o600 });
  writeFileSync(paths.cert, pem.cert);
  return paths;
}
