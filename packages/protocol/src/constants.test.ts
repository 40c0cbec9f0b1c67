import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  ERROR_CODE_LIST,
  ERROR_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  RECONNECT_CLOSE_CODES,
} from './index.js';

// These tables are the contract with every client in the field: changing one is a
// protocol change, so this test must be edited on purpose.
describe('protocol constants', () => {
  it('pins the protocol version', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('pins the limits', () => {
    expect(LIMITS).toEqual({
      frameBytes: 32_768,
      jsonDepth: 6,
      textChars: 4000,
      nameChars: 80,
      emailChars: 254,
      urlChars: 2048,
      titleChars: 300,
      idChars: 64,
      tokenChars: 128,
      keyChars: 256,
      customFields: 20,
      customKeyChars: 40,
      customValueChars: 500,
      localeChars: 64,
      userIdChars: 128,
      screenPixels: 100_000,
      combiningMarks: 3,
      retryMs: 60_000,
    });
  });

  it('pins the error-code table', () => {
    expect(ERROR_CODE_LIST).toEqual([
      'too_large',
      'bad_json',
      'too_deep',
      'forbidden_key',
      'not_object',
      'unknown_type',
      'invalid_frame',
      'bad_version',
      'not_ready',
      'auth_failed',
      'unknown_session',
      'forbidden',
      'session_ended',
      'rate_limited',
      'offline_limited',
      'limit_reached',
      'no_recipients',
      'origin_refused',
      'identity_refused',
      'internal',
    ]);
    for (const code of ERROR_CODE_LIST) expect(ERROR_CODES[code].length).toBeGreaterThan(5);
  });

  it('pins the close codes', () => {
    expect(CLOSE_CODES).toEqual({
      normal: 1000,
      goingAway: 1001,
      policy: 1008,
      tooBig: 1009,
      restart: 1012,
      tryAgain: 1013,
      authFailed: 4001,
      sessionEnded: 4002,
      replaced: 4003,
      handshakeTimeout: 4004,
    });
    expect(RECONNECT_CLOSE_CODES).toEqual([1001, 1006, 1011, 1012, 1013]);
  });
});
