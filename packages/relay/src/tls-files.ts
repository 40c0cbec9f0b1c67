import { readFileSync } from 'node:fs';
import { RelayError } from './errors.js';

// uWS reports a missing or unreadable certificate only as "App construction failed", and
// node:https as a bare ENOENT: the relay checks both files first and names the one at fault
// (issue #12 item 5).

/** Throws `RelayError('tls_invalid')` naming `tls.cert` / `tls.key` and its path when unusable. */
export function checkTlsFiles(tls: { cert: string; key: string }): void {
  for (const field of ['cert', 'key'] as const) {
    const file = tls[field];
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new RelayError(
        'tls_invalid',
        `tls_invalid: tls.${field}: cannot read ${file} (${code})`,
        error,
      );
    }
    // Both transports take PEM only; a DER file or an empty one fails later without a name.
    if (!text.includes('-----BEGIN ')) {
      throw new RelayError('tls_invalid', `tls_invalid: tls.${field}: ${file} is not a PEM file`);
    }
  }
}
