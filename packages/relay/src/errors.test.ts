import { describe, expect, it } from 'vitest';
import { RELAY_ERROR_CODE_LIST, RelayError } from './errors.js';

describe('errors', () => {
  it('pins the list of relay error codes', () => {
    expect(RELAY_ERROR_CODE_LIST).toEqual([
      'config_invalid',
      'config_unreadable',
      'listen_failed',
      'port_in_use',
      'transport_unavailable',
      'tls_invalid',
    ]);
  });

  it('carries code, message and cause', () => {
    const cause = new Error('EADDRINUSE');
    const error = new RelayError('listen_failed', 'port taken', cause);
    expect([error.code, error.message, error.cause, error.name]).toEqual([
      'listen_failed',
      'port taken',
      cause,
      'RelayError',
    ]);
    expect(new RelayError('config_invalid').message).toBe('The configuration failed validation.');
  });
});
